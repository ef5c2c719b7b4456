/* SPDX-License-Identifier: Apache-2.0 */
/* Port-forward sessions (SPDY/3.1 inside WebSocket, as kubectl 1.31+ sends them). */
#include "agent/stream.h"
#include "lib/ws.h"

void *stream_pf_run(void *arg)
{
	struct stream_session *s = arg;
	struct buf b = BUF_INIT;

	ws_encode_close(&b, 1011, "port-forward is not supported yet");
	stream_write_all(s->sock, b.p, b.len);
	buf_release(&b);
	stream_session_end(s);
	return NULL;
}
