-- SPDX-License-Identifier: MIT
-- natter's benchmarks (bench/README.md), loaded on the MUC component:
-- at start, fills each room named in bench_fill (name = number) with
-- that many silent occupants, botI@<bench_sink_host>/x as nick botI,
-- without a presence broadcast per join (thousands of real joins would
-- cost the server a presence to every earlier occupant: minutes).
local st = require "util.stanza";
local mod_muc = module:depends "muc";
local rooms = module:get_option("bench_fill", {});
local sink = module:get_option_string("bench_sink_host", "bots.localhost");

for name, n in pairs(rooms) do
	local room_jid = name .. "@" .. module.host;
	local room = mod_muc.get_room_from_jid(room_jid)
		or mod_muc.create_room(room_jid);
	for i = 1, n do
		local nick = room_jid .. "/bot" .. i;
		local bare = "bot" .. i .. "@" .. sink;
		local real = bare .. "/x";
		local occupant = room:new_occupant(bare, nick);
		local pr = st.presence({ from = real, to = nick })
			:tag("x", { xmlns = "http://jabber.org/protocol/muc" }):up();
		occupant:set_session(real, pr, true);
		occupant.role = "participant";
		room:save_occupant(occupant);
	end
	module:log("info", "bench: %s holds %d occupants", room_jid, n);
end
