/* testutil.h - helpers shared by the cmocka unit tests */
#ifndef HTTPSTEP_TESTUTIL_H
#define HTTPSTEP_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#endif
