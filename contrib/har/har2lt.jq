# contrib/har/har2lt.jq - a browser recording (HAR 1.2, as Chromium and
# Firefox export it) to an lt scenario (lt-scenario(5)): the requests in
# order as one sequence of one user class, the recorded gaps as sleep
# steps, static assets and third-party hosts filtered, headers kept or
# dropped by rule, secrets left out unless asked for.
#
#   jq -r -f har2lt.jq --argjson opts '{...}' --arg src rec.har rec.har
#
# $opts (contrib/har/har2lt builds it from its options):
#   static      keep static assets (scripts, styles, images, fonts, media)
#   hosts       host[:port] list to keep besides the first request's;
#               null with all_hosts: every host
#   all_hosts   keep every host
#   keep, drop  header names (lower case) to keep / drop, over the rules
#   secrets     copy secrets: Cookie, Authorization and headers, query
#               parameters, form fields and JSON members whose name looks
#               like a secret (otherwise headers are dropped and values
#               replaced by REDACTED)
#   think       keep recorded gaps as sleep steps
#   min_think   shortest gap kept, seconds; max_think: longest sleep
#   expect      add "expect status" with the recorded status
#   user        the user class name
# Everything copied from the recording is data: "${" becomes "$${" (lt's
# literal), quoted words are escaped, CR/LF cannot end a line early.

def secretname: test("(^|[-_])(cookie|authorization|token|secret|password|passwd|pwd|api[-_]?key|apikey|session|sid|csrf|xsrf|auth)([-_]|$)"; "i")
  or test("^(authorization|proxy-authorization|cookie|set-cookie)$"; "i");

# hop-by-hop, computed by libcurl, or browser noise that makes no sense
# to replay (conditional requests would turn answers into 304s)
def noisy: test("^(:.*|host|content-length|connection|keep-alive|transfer-encoding|te|upgrade|accept-encoding|if-none-match|if-modified-since|if-match|if-unmodified-since|if-range|priority|sec-ch-ua.*|sec-fetch-.*|sec-gpc|upgrade-insecure-requests|dnt|pragma|cache-control|purpose|x-client-data)$"; "i");

# a literal for lt's templates, on one line
def lit: gsub("\\$\\{"; "$${") | gsub("[\r\n]"; " ");
# a "quoted" word of lt-scenario(5)
def quoted: "\"" + (gsub("\\\\"; "\\\\") | gsub("\""; "\\\"") | gsub("\n"; "\\n")
  | gsub("\r"; "\\r") | gsub("\t"; "\\t") | gsub("\\$\\{"; "$${")) + "\"";

# ISO 8601 with fraction and offset -> epoch seconds
def epoch:
  capture("^(?<d>[0-9]{4}-[0-9]{2}-[0-9]{2})T(?<h>[0-9]{2}):(?<m>[0-9]{2}):(?<s>[0-9]{2})(?<f>[.][0-9]+)?(?<z>Z|[+-][0-9]{2}:?[0-9]{2})?$")
  | ((.d + "T00:00:00Z") | fromdateiso8601)
    + (.h | tonumber) * 3600 + (.m | tonumber) * 60 + (.s | tonumber)
    + ((.f // "0") | if startswith(".") then "0" + . else . end | tonumber)
    - (if (.z // "Z") == "Z" then 0
       else (.z | gsub(":"; "")) as $z
         | ($z[0:1] | if . == "-" then -1 else 1 end)
           * (($z[1:3] | tonumber) * 3600 + ($z[3:5] | tonumber) * 60) end);

# scheme://host[:port] and the rest of a URL
def urlparts: capture("^(?<origin>(?<scheme>https?)://(?<host>[^/?#]+))(?<rest>[^#]*)") // null;

def isstatic:
  (._resourceType // "" | test("^(stylesheet|script|image|font|media|manifest|texttrack)$"))
  or (.response.content.mimeType // "" | test("^(image/|font/|audio/|video/|text/css|(text|application)/(x-)?javascript)"; "i"))
  or (.request.url | sub("[?#].*$"; "") | test("[.](css|js|mjs|map|png|jpe?g|gif|svg|ico|webp|avif|bmp|woff2?|ttf|otf|eot|mp4|webm|mp3|ogg|wav)$"; "i"));

def redact_query:
  if $opts.secrets then . else
    (capture("^(?<p>[^?]*)(?<q>[?].*)?$")) as $u
    | if $u.q == null then .
      else $u.p + "?" + ($u.q[1:] | split("&") | map(
          (capture("^(?<k>[^=]*)(?<e>=.*)?$")) as $kv
          | if ($kv.k | secretname) and $kv.e != null then $kv.k + "=REDACTED" else . end)
        | join("&")) end end;

def redact_json:
  if $opts.secrets then . else
    walk(if type == "object" then with_entries(if (.key | secretname) and (.value | type) != "object" and (.value | type) != "array" then .value = "REDACTED" else . end) else . end) end;

def redact_form:
  if $opts.secrets then . else
    split("&") | map((capture("^(?<k>[^=]*)(?<e>=.*)?$")) as $kv
      | if (($kv.k | gsub("\\+"; " ")) | secretname) and $kv.e != null then $kv.k + "=REDACTED" else . end)
    | join("&") end;

def keepheader:
  (.name | ascii_downcase) as $n
  | if ($opts.drop | index($n)) then false
    elif ($opts.keep | index($n)) then true
    elif ($n | noisy) then false
    elif ($n | secretname) then $opts.secrets
    else true end;

# the modifier lines of a request's body
def bodylines:
  (.request.postData // null) as $pd
  | if $pd == null or (($pd.text // "") == "" and (($pd.params // []) | length) == 0) then []
    elif ($pd.mimeType // "" | test("json"; "i")) and (($pd.text // "") | try fromjson catch null) != null
      then ["json " + ($pd.text | fromjson | redact_json | tojson | lit)]
    elif ($pd.mimeType // "" | test("^application/x-www-form-urlencoded"; "i"))
      then ["form " + (($pd.text // "") as $t
        | if $t != "" then $t
          else ($pd.params | map((.name | @uri) + "=" + (.value // "" | @uri)) | join("&")) end
        | redact_form | lit)]
    else ["body " + (($pd.text // "") | quoted)] end;

def modifiers($status):
  ([.request.headers[]? | select(keepheader)
    | "header " + (.name | gsub("[^!#$%&'*+.^_`|~0-9A-Za-z-]"; "")) + ": " + (.value | lit)]
   | unique) as $h
  | $h + bodylines
  + (if $status >= 300 and $status < 400 then ["redirects off"] else [] end)
  + (if $opts.expect and $status >= 100 and $status < 600 then ["expect status \($status)"] else [] end);

(.log.entries // error("not a HAR file: no .log.entries")) as $all
| ($all | map(. + {t0: (.startedDateTime | epoch)}) | sort_by(.t0)) as $sorted
| ($sorted | map(select(.request.url | urlparts != null))) as $http
| if ($http | length) == 0 then error("no http(s) request in the recording") else . end
| ($http[0].request.url | urlparts | .origin) as $primary
| ($primary | urlparts | .host) as $phost
| ["GET","HEAD","POST","PUT","DELETE","PATCH","OPTIONS","TRACE"] as $methods
| ($http | map(
    (.request.url | urlparts) as $u
    | select($opts.all_hosts or $u.host == $phost or (($opts.hosts // []) | index($u.host)))
  )) as $hosted
| ($hosted | map(select($opts.static or (isstatic | not)))) as $dynamic
| ($dynamic | map(select(.request.method as $m | $methods | index($m)))) as $kept
| [
    "# Generated by har2lt from \($src | lit) (HAR \(.log.version // "?" | lit), \(.log.creator.name // "unknown" | lit))",
    "# \($kept | length) of \($all | length) requests kept: \(($all | length) - ($http | length)) not http(s), \(($http | length) - ($hosted | length)) third-party, \(($hosted | length) - ($dynamic | length)) static, \(($dynamic | length) - ($kept | length)) other methods",
    (if $opts.secrets then "# secrets copied as recorded (--secrets)" else "# secrets left out: Cookie, Authorization, secret-like headers; secret-like values REDACTED" end),
    "host \($primary)",
    "",
    "user \($opts.user)",
    "  sequence"
  ] + (if ($kept | length) == 0 then ["    # (no request left after filtering)", "    sleep 0"] else [] end)
  + ([range(0; $kept | length)] | map(. as $i | $kept[$i] as $e
      | ($e.request.url | urlparts) as $u
      | ($e.response.status // 0) as $st
      | (if $i > 0 and $opts.think then
           ($kept[$i - 1] | .t0 + ((.time // 0) | if . < 0 then 0 else . end) / 1000) as $stop
           | ($e.t0 - $stop) as $gap
           | if $gap >= $opts.min_think then
               ["    sleep " + ([$gap, $opts.max_think] | min | . * 1000 | round / 1000 | tostring)]
             else [] end
         else [] end)
      + ["    " + $e.request.method + " "
         + ((if $u.origin == $primary then $u.rest else $u.origin + $u.rest end)
            | if . == "" or startswith("?") then "/" + . else . end
            | redact_query | lit | gsub(" "; "%20"))]
      + ($e | modifiers($st) | map("      " + .))
    ) | add // [])
| .[]
