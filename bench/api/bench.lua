-- wrk script for bench/api/run.sh: one file, several request kinds.
--
-- Environment:
--   BENCH_MODE   get | create | etcd_get | etcd_put
--   BENCH_TOKEN  bearer token (Atoll modes)
--   BENCH_PATH   URL path (get: the object; create: the collection)
--   BENCH_PREFIX name or key prefix, unique per wrk run
--   BENCH_SIZE   bytes of payload per object or value (default 64)
--   BENCH_QUOTA  create/put only: names per thread; after that names wrap
--                around (so no new objects appear) and the thread stops
--                once QUOTA answers came back. 0 = no limit.
--   BENCH_DONE_DIR with a quota: each thread that stops creates a file
--                here, so run.sh knows when to interrupt wrk (wrk waits for
--                its full -d otherwise).
--   BENCH_KEY    etcd_get: the key to range over
--
-- done() prints machine-readable "key value" lines that run.sh parses:
-- rps, requests, p50_us, p90_us, p99_us, max_us, errors, status_CODE.

local mode = os.getenv("BENCH_MODE") or "get"
local token = os.getenv("BENCH_TOKEN") or ""
local path = os.getenv("BENCH_PATH") or "/"
local prefix = os.getenv("BENCH_PREFIX") or "b"
local size = tonumber(os.getenv("BENCH_SIZE") or "64")
local quota = tonumber(os.getenv("BENCH_QUOTA") or "0")
local blob = string.rep("x", size)

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

-- etcd's JSON gateway wants keys and values base64-encoded.
local function b64(s)
	local out = {}
	for i = 1, #s, 3 do
		local a, b, c = s:byte(i, i + 2)
		local n = a * 65536 + (b or 0) * 256 + (c or 0)
		local c1 = math.floor(n / 262144) % 64
		local c2 = math.floor(n / 4096) % 64
		local c3 = math.floor(n / 64) % 64
		local c4 = n % 64
		out[#out + 1] = b64chars:sub(c1 + 1, c1 + 1) .. b64chars:sub(c2 + 1, c2 + 1)
			.. (b and b64chars:sub(c3 + 1, c3 + 1) or "=")
			.. (c and b64chars:sub(c4 + 1, c4 + 1) or "=")
	end
	return table.concat(out)
end

local threads = {}
local next_tid = 1

function setup(thread)
	thread:set("tid", next_tid)
	next_tid = next_tid + 1
	table.insert(threads, thread)
end

local n = 0        -- requests built by this thread
local answered = 0 -- responses seen by this thread
codes = {}         -- status -> count, read back by done()
local blob64 = b64(blob)
local fixed_body

function init(args)
	wrk.headers["Connection"] = "keep-alive"
	if mode == "get" then
		wrk.method = "GET"
		wrk.path = path
		wrk.headers["Authorization"] = "Bearer " .. token
	elseif mode == "create" then
		wrk.method = "POST"
		wrk.path = path
		wrk.headers["Authorization"] = "Bearer " .. token
		wrk.headers["Content-Type"] = "application/json"
	elseif mode == "etcd_get" then
		wrk.method = "POST"
		wrk.path = "/v3/kv/range"
		wrk.headers["Content-Type"] = "application/json"
		fixed_body = '{"key":"' .. b64(os.getenv("BENCH_KEY") or "k") .. '"}'
	elseif mode == "etcd_put" then
		wrk.method = "POST"
		wrk.path = "/v3/kv/put"
		wrk.headers["Content-Type"] = "application/json"
	end
end

local function next_name()
	n = n + 1
	local i = n
	if quota > 0 then
		i = (n - 1) % quota + 1
	end
	return string.format("%s-%d-%d", prefix, tid, i)
end

function request()
	if mode == "get" then
		return wrk.format()
	elseif mode == "etcd_get" then
		return wrk.format(nil, nil, nil, fixed_body)
	elseif mode == "create" then
		local body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"'
			.. next_name() .. '"},"data":{"v":"' .. blob .. '"}}'
		return wrk.format(nil, nil, nil, body)
	else
		local body = '{"key":"' .. b64("/bench/" .. next_name())
			.. '","value":"' .. blob64 .. '"}'
		return wrk.format(nil, nil, nil, body)
	end
end

function response(status, headers, body)
	codes[status] = (codes[status] or 0) + 1
	answered = answered + 1
	if quota > 0 and answered == quota then
		local dir = os.getenv("BENCH_DONE_DIR")
		if dir then
			local f = io.open(dir .. "/" .. tid, "w")
			if f then f:close() end
		end
		wrk.thread:stop()
	end
end

function done(summary, latency, requests)
	local secs = summary.duration / 1e6
	io.write(string.format("rps %.1f\n", summary.requests / secs))
	io.write(string.format("requests %d\n", summary.requests))
	io.write(string.format("seconds %.2f\n", secs))
	for _, p in ipairs({50, 90, 99}) do
		io.write(string.format("p%d_us %d\n", p, latency:percentile(p)))
	end
	io.write(string.format("max_us %d\n", latency.max))
	local e = summary.errors
	io.write(string.format("errors %d\n",
		e.connect + e.read + e.write + e.timeout))
	local total = {}
	for _, t in ipairs(threads) do
		for k, v in pairs(t:get("codes")) do
			total[k] = (total[k] or 0) + v
		end
	end
	for k, v in pairs(total) do
		io.write(string.format("status_%d %d\n", k, v))
	end
end
