/* version.h - the lt version, printed by --version and written into events. */
#ifndef LT_VERSION_H
#define LT_VERSION_H

#define LT_VERSION "0.1.0"

#endif
