/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libmicrohttpd, GnuTLS and SQLite, loaded with dlopen() when the server (or
 * the store) starts. Only the control plane needs them, and with the ten or so
 * libraries they bring every other start of the binary (an `atoll run`, each
 * container of a pod) would pay for mapping them; with -Wl,--as-needed the
 * binary does not load them at start-up. Include this instead of
 * <microhttpd.h>, the GnuTLS headers and <sqlite3.h>: calls keep their usual names
 * and go through the loaded pointers.
 */
#ifndef ATOLL_SERVERLIBS_H
#define ATOLL_SERVERLIBS_H

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <sqlite3.h>

#include "lib/err.h"

#define SERVERLIBS_MHD(X) \
	X(MHD_quiesce_daemon) \
	X(MHD_add_response_header) X(MHD_create_response_from_buffer) X(MHD_create_response_from_callback) \
	X(MHD_create_response_from_fd) X(MHD_create_response_from_fd_at_offset64) X(MHD_create_response_for_upgrade) X(MHD_destroy_response) \
	X(MHD_get_connection_info) X(MHD_get_connection_values) X(MHD_get_daemon_info) \
	X(MHD_lookup_connection_value) X(MHD_queue_response) X(MHD_resume_connection) X(MHD_start_daemon) \
	X(MHD_stop_daemon) X(MHD_suspend_connection) X(MHD_upgrade_action)

#define SERVERLIBS_GNUTLS(X) \
	X(gnutls_certificate_get_peers) X(gnutls_certificate_verify_peers2) X(gnutls_x509_crt_deinit) \
	X(gnutls_x509_crt_get_dn_by_oid) X(gnutls_x509_crt_import) X(gnutls_x509_crt_init)

#define SERVERLIBS_SQLITE(X) \
	X(sqlite3_bind_blob64) X(sqlite3_bind_int) X(sqlite3_bind_int64) X(sqlite3_bind_null) \
	X(sqlite3_bind_text) X(sqlite3_busy_timeout) X(sqlite3_clear_bindings) X(sqlite3_close) \
	X(sqlite3_column_blob) X(sqlite3_column_bytes) X(sqlite3_column_int) X(sqlite3_column_int64) \
	X(sqlite3_column_text) X(sqlite3_column_type) X(sqlite3_errmsg) X(sqlite3_exec) \
	X(sqlite3_finalize) X(sqlite3_free) X(sqlite3_get_autocommit) X(sqlite3_open_v2) \
	X(sqlite3_prepare_v2) X(sqlite3_prepare_v3) X(sqlite3_reset) X(sqlite3_step) \
	X(sqlite3_wal_checkpoint_v2) X(sqlite3_wal_hook)

#define SERVERLIBS_DECL(f) extern __typeof__(f) *dl_##f;
SERVERLIBS_MHD(SERVERLIBS_DECL)
SERVERLIBS_GNUTLS(SERVERLIBS_DECL)
SERVERLIBS_SQLITE(SERVERLIBS_DECL)

/* Load all three once (call before threads start); -1 with err when one is missing. */
int serverlibs_load(struct atoll_err *err);

#ifndef SERVERLIBS_IMPL
#define MHD_add_response_header dl_MHD_add_response_header
#define MHD_create_response_from_buffer dl_MHD_create_response_from_buffer
#define MHD_create_response_from_callback dl_MHD_create_response_from_callback
#define MHD_create_response_from_fd dl_MHD_create_response_from_fd
#define MHD_create_response_from_fd_at_offset64 dl_MHD_create_response_from_fd_at_offset64
#define MHD_create_response_for_upgrade dl_MHD_create_response_for_upgrade
#define MHD_destroy_response dl_MHD_destroy_response
#define MHD_get_connection_info dl_MHD_get_connection_info
#define MHD_get_connection_values dl_MHD_get_connection_values
#define MHD_get_daemon_info dl_MHD_get_daemon_info
#define MHD_lookup_connection_value dl_MHD_lookup_connection_value
#define MHD_queue_response dl_MHD_queue_response
#define MHD_quiesce_daemon dl_MHD_quiesce_daemon
#define MHD_resume_connection dl_MHD_resume_connection
#define MHD_start_daemon dl_MHD_start_daemon
#define MHD_stop_daemon dl_MHD_stop_daemon
#define MHD_suspend_connection dl_MHD_suspend_connection
#define MHD_upgrade_action dl_MHD_upgrade_action
#define gnutls_certificate_get_peers dl_gnutls_certificate_get_peers
#define gnutls_certificate_verify_peers2 dl_gnutls_certificate_verify_peers2
#define gnutls_x509_crt_deinit dl_gnutls_x509_crt_deinit
#define gnutls_x509_crt_get_dn_by_oid dl_gnutls_x509_crt_get_dn_by_oid
#define gnutls_x509_crt_import dl_gnutls_x509_crt_import
#define gnutls_x509_crt_init dl_gnutls_x509_crt_init
#define sqlite3_bind_blob64 dl_sqlite3_bind_blob64
#define sqlite3_bind_int dl_sqlite3_bind_int
#define sqlite3_bind_int64 dl_sqlite3_bind_int64
#define sqlite3_bind_null dl_sqlite3_bind_null
#define sqlite3_bind_text dl_sqlite3_bind_text
#define sqlite3_busy_timeout dl_sqlite3_busy_timeout
#define sqlite3_clear_bindings dl_sqlite3_clear_bindings
#define sqlite3_close dl_sqlite3_close
#define sqlite3_column_blob dl_sqlite3_column_blob
#define sqlite3_column_bytes dl_sqlite3_column_bytes
#define sqlite3_column_int dl_sqlite3_column_int
#define sqlite3_column_int64 dl_sqlite3_column_int64
#define sqlite3_column_text dl_sqlite3_column_text
#define sqlite3_column_type dl_sqlite3_column_type
#define sqlite3_errmsg dl_sqlite3_errmsg
#define sqlite3_exec dl_sqlite3_exec
#define sqlite3_finalize dl_sqlite3_finalize
#define sqlite3_free dl_sqlite3_free
#define sqlite3_get_autocommit dl_sqlite3_get_autocommit
#define sqlite3_open_v2 dl_sqlite3_open_v2
#define sqlite3_prepare_v2 dl_sqlite3_prepare_v2
#define sqlite3_prepare_v3 dl_sqlite3_prepare_v3
#define sqlite3_reset dl_sqlite3_reset
#define sqlite3_step dl_sqlite3_step
#define sqlite3_wal_checkpoint_v2 dl_sqlite3_wal_checkpoint_v2
#define sqlite3_wal_hook dl_sqlite3_wal_hook
#endif

#endif
