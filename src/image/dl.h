/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libarchive and libcurl, loaded with dlopen() on first use. Only unpacking
 * and pulling need them, and together they bring some twenty shared
 * libraries whose loading would otherwise cost every `atoll run` milliseconds
 * (with -Wl,--as-needed the binary then does not load them at start-up).
 * Include this instead of <archive.h> and <curl/curl.h>; calls keep their
 * usual names and go through the loaded pointers.
 */
#ifndef ATOLL_IMAGE_DL_H
#define ATOLL_IMAGE_DL_H

#include <archive.h>
#include <archive_entry.h>
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "lib/err.h"

#define IMAGE_DL_ARCHIVE(X)                                                                          \
	X(archive_entry_filetype) X(archive_entry_hardlink) X(archive_entry_pathname)                \
	X(archive_entry_set_hardlink) X(archive_entry_set_pathname) X(archive_error_string)          \
	X(archive_read_data_block) X(archive_read_free) X(archive_read_new) X(archive_read_next_header) \
	X(archive_read_open_filename) X(archive_read_support_filter_gzip)                            \
	X(archive_read_support_filter_none) X(archive_read_support_filter_zstd)                      \
	X(archive_read_support_format_tar) X(archive_write_close) X(archive_write_data_block)        \
	X(archive_write_disk_new) X(archive_write_disk_set_options) X(archive_write_finish_entry)     \
	X(archive_write_free) X(archive_write_header)

#define IMAGE_DL_CURL(X)                                                                            \
	X(curl_easy_cleanup) X(curl_easy_escape) X(curl_easy_getinfo) X(curl_easy_init)              \
	X(curl_easy_perform) X(curl_easy_reset) X(curl_easy_setopt) X(curl_easy_strerror) X(curl_free) \
	X(curl_global_init) X(curl_slist_append) X(curl_slist_free_all)

#define IMAGE_DL_DECL(f) extern __typeof__(f) *dl_##f;
IMAGE_DL_ARCHIVE(IMAGE_DL_DECL)
IMAGE_DL_CURL(IMAGE_DL_DECL)

/* Load the library once; -1 with err when it or a symbol is missing. */
int image_dl_archive(struct atoll_err *err);
int image_dl_curl(struct atoll_err *err);

#ifndef IMAGE_DL_IMPL
#define archive_entry_filetype dl_archive_entry_filetype
#define archive_entry_hardlink dl_archive_entry_hardlink
#define archive_entry_pathname dl_archive_entry_pathname
#define archive_entry_set_hardlink dl_archive_entry_set_hardlink
#define archive_entry_set_pathname dl_archive_entry_set_pathname
#define archive_error_string dl_archive_error_string
#define archive_read_data_block dl_archive_read_data_block
#define archive_read_free dl_archive_read_free
#define archive_read_new dl_archive_read_new
#define archive_read_next_header dl_archive_read_next_header
#define archive_read_open_filename dl_archive_read_open_filename
#define archive_read_support_filter_gzip dl_archive_read_support_filter_gzip
#define archive_read_support_filter_none dl_archive_read_support_filter_none
#define archive_read_support_filter_zstd dl_archive_read_support_filter_zstd
#define archive_read_support_format_tar dl_archive_read_support_format_tar
#define archive_write_close dl_archive_write_close
#define archive_write_data_block dl_archive_write_data_block
#define archive_write_disk_new dl_archive_write_disk_new
#define archive_write_disk_set_options dl_archive_write_disk_set_options
#define archive_write_finish_entry dl_archive_write_finish_entry
#define archive_write_free dl_archive_write_free
#define archive_write_header dl_archive_write_header
#define curl_easy_cleanup dl_curl_easy_cleanup
#define curl_easy_escape dl_curl_easy_escape
#undef curl_easy_getinfo /* curl.h's argument-count guards */
#undef curl_easy_setopt
#define curl_easy_getinfo dl_curl_easy_getinfo
#define curl_easy_init dl_curl_easy_init
#define curl_easy_perform dl_curl_easy_perform
#define curl_easy_reset dl_curl_easy_reset
#define curl_easy_setopt dl_curl_easy_setopt
#define curl_easy_strerror dl_curl_easy_strerror
#define curl_free dl_curl_free
#define curl_global_init dl_curl_global_init
#define curl_slist_append dl_curl_slist_append
#define curl_slist_free_all dl_curl_slist_free_all
#endif

#endif
