/*
 * tmplpriv.h - what the template files share (tmpl.c compiles templates,
 * tmpldata.c reads data files, tmplexp.c expands and encodes); nothing
 * outside them includes it.
 */
#ifndef LT_TMPLPRIV_H
#define LT_TMPLPRIV_H

/* tmpl.c */

/* A byte that is never valid as is in a URL (RFC 3986). */
int tmpl_url_bad(unsigned char ch);

#endif
