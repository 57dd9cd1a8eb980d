-- Test-only shims that let Debian's prosody-modules (hg20230223) mod_sasl2, mod_sasl2_bind2,
-- mod_sasl2_sm and mod_sasl2_fast run on Prosody 0.12.3. Those modules were written for
-- Prosody trunk and call APIs that 0.12.3 lacks; each gap makes the server fail with a Lua
-- traceback while the client sees only silence. Loaded by Tests/Support/prosody/start
-- --sasl2 through plugin_paths, beside the four modules. Each gap has a letter (A to E),
-- so that a failure seen in the log can be traced to the shim for it.

local st = require "util.stanza";
local dt = require "util.datetime";
local errors = require "util.error";
local filters = require "util.filters";

local xmlns_sm3 = "urn:xmpp:sm:3";
local xmlns_stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas";

-- A: the TLS accessors mod_sasl2 calls on the connection (trunk's net/server_epoll has them).
-- They go on the connection's method table, found through the first connection seen.
local function add_tls_accessors(conn)
	local mt = conn and getmetatable(conn);
	local methods = mt and mt.__index;
	if type(methods) ~= "table" or methods.ssl_info then return end
	function methods:ssl_info()
		local sock = self:socket();
		if not (sock and sock.info) then return nil, "not-implemented"; end
		return sock:info();
	end
	function methods:ssl_peerfinished()
		local sock = self:socket();
		if not (sock and sock.getpeerfinished) then return nil, "not-implemented"; end
		return sock:getpeerfinished();
	end
	function methods:ssl_exportkeyingmaterial(label, length, context)
		local sock = self:socket();
		if not (sock and sock.exportkeyingmaterial) then return nil, "not-implemented"; end
		return sock:exportkeyingmaterial(label, length, context);
	end
end

-- B: stanza:get_child_attr(name, xmlns, attr), used by mod_sasl2_fast for the user-agent id.
if not st.stanza_mt.get_child_attr then
	function st.stanza_mt:get_child_attr(name, xmlns, attr)
		local child = self:get_child(name, xmlns);
		return child and child.attr[attr] or nil;
	end
end

-- Also missing in 0.12.3: stanza:add_error(err), which mod_sasl2_sm and mod_sasl2_bind2 use
-- to report a refused <enable/> or bind inside <bound/>.
if not st.stanza_mt.add_error then
	function st.stanza_mt:add_error(err)
		local condition = type(err) == "table" and err.condition or tostring(err);
		local text = type(err) == "table" and err.text or nil;
		self:tag("error", { type = type(err) == "table" and err.type or "cancel" })
			:tag(condition or "undefined-condition", { xmlns = xmlns_stanzas }):up();
		if text then self:text_tag("text", text, { xmlns = xmlns_stanzas }); end
		return self:up();
	end
end

-- C: mod_smacks.do_enable(session, enable), which mod_sasl2_sm calls for an <enable/> inside
-- Bind2's <bind>. 0.12.3's smacks has handle_enable instead, which sends <enabled/> (or
-- <failed/>) itself: that element is caught here and turned into do_enable's result, so
-- mod_sasl2_sm can put it inside <bound/>. handle_enable only adds filters, so
-- replacing session.send for the duration of the call leaves nothing behind.
local function add_do_enable()
	local smacks = module:depends("smacks");
	if rawget(smacks, "do_enable") then return end
	function smacks.do_enable(session, enable)
		local caught;
		local send = session.send;
		session.send = function (element) caught = element; return true; end
		local ok, err = pcall(smacks.handle_enable, session, enable, xmlns_sm3);
		session.send = send;
		if not ok then
			return nil, errors.new({ type = "cancel", condition = "internal-server-error", text = tostring(err) });
		end
		if not caught or caught.name ~= "enabled" then
			local condition = caught and caught.tags[1] and caught.tags[1].name or "undefined-condition";
			return nil, errors.new({ type = "cancel", condition = condition });
		end
		return {
			id = caught.attr.id;
			resume_max = caught.attr.max;
			finish = function () end;
		};
	end
end
add_do_enable();

-- D: event.stream.from in the stream-features event, which mod_sasl2_fast reads to offer
-- <fast/> to the account named in the stream header. 0.12.3 passes no stream, and keeps
-- nothing of the header's 'from': a session's stream_attrs callback, consulted when Prosody
-- answers a header, sees it (as the 'to' of the answer), and keeps it.
local function remember_stream_from(session, _, to)
	session.sasl2_compat_stream_from = to;
end

local function on_new_session(session)
	if session.base_type == "c2s" and not session.stream_attrs then
		session.stream_attrs = remember_stream_from;
	end
end
filters.add_filter_hook(on_new_session);
function module.unload()
	filters.remove_filter_hook(on_new_session);
end

-- Runs before mod_sasl2's own stream-features handler (priority 1): A and D.
module:hook("stream-features", function (event)
	local session = event.origin;
	add_tls_accessors(session.conn);
	if event.stream == nil then
		event.stream = { from = session.sasl2_compat_stream_from };
	end
end, 100);

-- F: the SASL handler mod_sasl2 made, kept. 0.12.3's mod_saslauth (priority 0) replaces
-- session.sasl_handler with one of its own after mod_sasl2's (priority 1), without the
-- tls-exporter binding mod_sasl2 added; mod_sasl2_fast copies the binding from it when
-- <authenticate> comes, and HT-SHA-256-EXPR then fails with a traceback (profile.cb nil).
-- For a FAST <authenticate>, put mod_sasl2's handler back first (mod_sasl2_fast then replaces
-- it with its own). Password logins keep mod_saslauth's: 0.12.3's SCRAM with mod_sasl2's
-- handler answers malformed-request.
module:hook("stream-features", function (event)
	event.origin.sasl2_compat_handler = event.origin.sasl_handler;
end, 0.5);

module:hook_tag("urn:xmpp:sasl:2", "authenticate", function (session, authenticate)
	local kept = session.sasl2_compat_handler;
	session.sasl2_compat_handler = nil;
	if kept and authenticate:get_child("fast", "urn:xmpp:fast:0") then
		session.sasl_handler = kept;
	end
end, 1000);

-- E: util.datetime.datetime given a float (mod_sasl2_fast's token expiry): Lua 5.4's
-- os.date refuses a number without an integer representation.
if not dt.sasl2_compat_floors then
	local datetime = dt.datetime;
	dt.datetime = function (t)
		return datetime(t and math.floor(t) or nil);
	end
	dt.sasl2_compat_floors = true;
end
