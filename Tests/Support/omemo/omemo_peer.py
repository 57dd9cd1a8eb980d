"""An independent legacy-OMEMO peer for xmpp-cli's integration tests.

A slixmpp client with slixmpp-omemo that speaks only legacy OMEMO (XEP-0384 v0.3, namespace
eu.siacs.conversations.axolotl, "oldmemo"), driven through JSON lines: commands on stdin,
events on stdout (one JSON object a line, flushed after each), logging on stderr.

Run it with the virtualenv that scripts/install-omemo-peer makes (Debian's slixmpp is too old):

  .build/omemo-venv/bin/python Tests/Support/omemo/omemo_peer.py --jid JID --password-file FILE \
      --host HOST --port PORT --ca CAFILE --store DIR [--timeout SECONDS] [--debug]

It logs in with STARTTLS (the server certificate verified against CAFILE), fetches its roster,
sends initial presence (so offline messages come), makes sure its device list and bundle are
published, and prints
  {"event":"ready","jid":FULLJID,"device":ID,"fingerprint":HEX64}
The fingerprint is the Curve25519 identity key as Conversations shows it, without the 05 prefix.

Commands (stdin):
  {"cmd":"send","to":BAREJID,"body":TEXT}      -> {"event":"sent","to":..,"id":..}
  {"cmd":"devices","jid":BAREJID}              -> {"event":"devices","jid":..,"devices":[...]}
  {"cmd":"trust"|"distrust","jid":..,"device":ID} -> {"event":"ok","cmd":..,"jid":..,"device":..}
  {"cmd":"quit"} (or end of stdin)             -> disconnects, exit 0
A command that fails prints {"event":"error","cmd":CMD,"error":TEXT}; the peer goes on.

Events (stdout), besides the answers:
  {"event":"message","from":FULLJID,"id":ID,"type":..,"encrypted":BOOL,"body":TEXT|null,
   "sender_device":ID|null,"key_transport":BOOL,"delayed":BOOL,"error":TEXT|null}
      for every incoming chat or normal message with a body or an OMEMO element: the decrypted
      body; the plain body with encrypted false; body null with error set when decryption failed;
      body null with key_transport true for an OMEMO message without payload (the empty
      messages that complete a key exchange or keep a session fresh).
  {"event":"stanza-error","from":..,"id":..,"error":TEXT} for a message of type error.

Trust is blind (BTBV) for every device: a device nobody decided on is trusted when it is first
used, and stays so until a distrust command. Exit status: 0 after quit, 2 when --timeout
(default 60 s) passes, 3 when login or the connection fails (after an error event).

The OMEMO state lives in DIR/<bare JID>.json and is kept between runs, so the device id and
keys stay the same. One peer at a time per store (a lock file enforces it).

Rooms (XEP-0045; OMEMO needs members-only, non-anonymous rooms, XEP-0384 "Group chats"):
  {"cmd":"join","room":ROOMJID,"nick":NICK[,"members":[BAREJID,...]][,"history":N]}
      -> {"event":"joined","room":..,"nick":..,"created":BOOL,"membersonly":BOOL,
          "nonanonymous":BOOL}
      once the room confirmed our presence (status 110). A room the join created (status 201)
      is first configured members-only, non-anonymous (whois anyone) and persistent, and the
      answer comes only once disco#info shows it so. "members": made members (affiliation
      member) by us, as owner, before the answer. "history": at most N history messages
      (default: the room's). The two booleans are the room's disco#info features. A refused
      join, or a configuration or membership grant the room refuses, is an error event (in
      the last two cases we stay in the room).
  {"cmd":"send_room","room":ROOMJID,"body":TEXT}
      -> {"event":"sent","to":ROOMJID,"id":..,"recipients":[BAREJID,...][,"warnings":[...]]}
      a groupchat message encrypted for every device of every member (the real JIDs of the
      occupants, from their presences, and the owner, admin and member lists, as far as the room
      lets us have them) and for our own other devices. "recipients" is those JIDs, without ours.
  {"cmd":"members","room":ROOMJID}
      -> {"event":"members","room":..,"occupants":[{"nick":..,"jid":BAREJID|null,
          "affiliation":..,"role":..}],"affiliations":{"owner":[..]|null,"admin":..,"member":..},
          "errors":{AFFILIATION:CONDITION}}
      what we see of the room: occupants from their presences (jid null when the room hides
      it), and each affiliation list as the room answers it (null, with the error, if refused).
  {"cmd":"leave","room":ROOMJID}              -> {"event":"left","room":..}
  Incoming groupchat messages are "message" events as above (type "groupchat", "from" the
  occupant JID ROOM/NICK) with, in addition, "room":ROOMJID, "nick":NICK|null,
  "real_jid":BAREJID|null (the sender's real JID, as the room's presences showed it when the
  message came) and "own":BOOL (true when the nick is ours: the room's echo of what we sent,
  reported with the body we sent). An OMEMO message whose sender's real JID is unknown has body
  null and an error. History the room replays at a join has "delayed" true.
"""
import argparse
import asyncio
import fcntl
import json
import logging
import os
import ssl
import sys
import threading
from copy import copy
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Set, Tuple

import oldmemo
import oldmemo.etree
import omemo
from omemo.storage import Just, Maybe, Nothing, Storage
from omemo.types import DeviceInformation, JSONType
from slixmpp import ClientXMPP
from slixmpp.jid import JID  # pylint: disable=no-name-in-module
from slixmpp.plugins import register_plugin  # type: ignore[attr-defined]
from slixmpp.exceptions import IqError, IqTimeout, PresenceError
from slixmpp.stanza import Message, Presence
from slixmpp.xmlstream.handler import Callback, CoroutineCallback
from slixmpp.xmlstream.matcher import MatchXPath
from slixmpp_omemo import TrustLevel, XEP_0384
from slixmpp_omemo.xep_0384 import OLDMEMO_DEVICE_LIST_NODE, TWOMEMO_DEVICE_LIST_NODE
# Private, but the version is pinned (scripts/install-omemo-peer): it builds the session manager
# class that talks to the server through slixmpp's pubsub plugin.
from slixmpp_omemo.xep_0384 import _make_session_manager

LEGACY = oldmemo.oldmemo.NAMESPACE  # "eu.siacs.conversations.axolotl"

log = logging.getLogger("omemo_peer")

EXIT_OK, EXIT_TIMEOUT, EXIT_CONNECTION = 0, 2, 3

ROOM_CONFIG = "http://jabber.org/protocol/muc#roomconfig"
ROOM_STEP = 15  # seconds for any one answer of a room (join, configuration, lists, leave)
AFFILIATIONS = ("owner", "admin", "member")


def emit(event: str, **fields: Any) -> None:
    """One JSON object on one line of stdout, flushed: the only thing stdout ever carries."""
    sys.stdout.write(json.dumps({"event": event, **fields}, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def describe(error: BaseException) -> str:
    text = str(error)
    return "%s: %s" % (type(error).__name__, text) if text else type(error).__name__


def fingerprint(identity_key: bytes) -> str:
    """The Curve25519 form of an identity key, 64 lowercase hex digits (no 05 prefix)."""
    return "".join(omemo.SessionManager.format_identity_key(identity_key))


class JSONFileStorage(Storage):
    """All OMEMO data of one account in one JSON file, rewritten atomically on each change."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.data: Dict[str, JSONType] = {}
        if path.exists():
            with open(path, encoding="utf-8") as file:
                self.data = json.load(file)

    def _flush(self) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(self.data, file)
        os.replace(temporary, self.path)

    async def _load(self, key: str) -> Maybe[JSONType]:
        return Just(self.data[key]) if key in self.data else Nothing()

    async def _store(self, key: str, value: JSONType) -> None:
        self.data[key] = value
        self._flush()

    async def _delete(self, key: str) -> None:
        if self.data.pop(key, None) is not None:
            self._flush()


class LegacyOMEMO(XEP_0384):  # pylint: disable=invalid-name
    """slixmpp-omemo's plugin restricted to legacy OMEMO.

    Upstream always loads both backends (OMEMO 2 and legacy) and so also publishes an OMEMO 2
    device list and bundle, although it can neither encrypt nor decrypt OMEMO 2 messages (no SCE).
    This subclass builds its session manager with the legacy backend alone, so the peer
    announces exactly what it speaks.
    """

    name = "xep_0384"
    default_config = {
        "fallback_message": "This message is OMEMO encrypted.",
        "store_path": None,
    }

    def plugin_init(self) -> None:
        self._storage = JSONFileStorage(Path(self.store_path))
        self._session_manager: Optional[omemo.SessionManager] = None
        self._session_manager_task: Optional[asyncio.Task] = None
        super().plugin_init()
        # Only legacy device list updates are of interest (no +notify for the OMEMO 2 node).
        self.xmpp.plugin["xep_0163"].remove_interest(TWOMEMO_DEVICE_LIST_NODE)

    @property
    def storage(self) -> Storage:
        return self._storage

    @property
    def _btbv_enabled(self) -> bool:
        return True

    async def _devices_blindly_trusted(self, blindly_trusted: FrozenSet[DeviceInformation],
                                       identifier: Optional[str]) -> None:
        log.info("devices trusted blindly: %s",
                 ", ".join("%s/%d" % (d.bare_jid, d.device_id) for d in blindly_trusted))

    async def _prompt_manual_trust(self, manually_trusted: FrozenSet[DeviceInformation],
                                   identifier: Optional[str]) -> None:
        # BTBV hands a JID to "manual trust" once one of its devices was decided on by hand. This
        # peer has nobody to ask: any device still undecided is trusted blindly all the same.
        session_manager = await self.get_session_manager()
        for device in manually_trusted:
            await session_manager.set_trust(device.bare_jid, device.identity_key,
                                            TrustLevel.BLINDLY_TRUSTED.value)

    async def get_session_manager(self) -> omemo.SessionManager:
        if self._session_manager is not None:
            return self._session_manager
        if self._session_manager_task is None:
            self._session_manager_task = asyncio.ensure_future(self._prepare())
        return await asyncio.shield(self._session_manager_task)

    async def _prepare(self) -> omemo.SessionManager:
        session_manager = await _make_session_manager(self.xmpp, self).create(
            [oldmemo.Oldmemo(self.storage)],
            self.storage,
            self.xmpp.boundjid.bare,
            initial_own_label=None,
            undecided_trust_level_name=TrustLevel.UNDECIDED.value,
        )
        # Downloads our device list (adding this device if it is missing) and our bundle, and
        # uploads the bundle where the server's copy differs.
        await session_manager.ensure_data_consistency()
        await session_manager.after_history_sync()
        self._session_manager = session_manager
        self.xmpp.event("omemo_initialized")
        return session_manager

    async def _on_device_list_update(self, msg: Message) -> None:
        items = msg["pubsub_event"]["items"]
        if items["node"] != OLDMEMO_DEVICE_LIST_NODE:
            return
        await super()._on_device_list_update(msg)

    async def _on_subscription_changed(self, presence: Any) -> None:
        jid = JID(presence["from"].bare)
        roster = self.xmpp.client_roster
        pep = roster.has_jid(jid) and roster[jid]["subscription"] == "both"
        subscribed = (await self.storage.load_primitive(
            "/slixmpp/subscribed/%s/%s" % (jid, LEGACY), bool)).maybe(None)
        if subscribed is None:
            return
        if pep and subscribed:
            await self._unsubscribe(LEGACY, jid)
        if not pep and not subscribed:
            await self._subscribe(LEGACY, jid)

    async def refresh_device_lists(self, jids: Set[JID], force_download: bool = False) -> None:
        """Upstream's, for the legacy backend only. For our own JID as well (upstream skips it)."""
        session_manager = await self.get_session_manager()
        roster = self.xmpp.client_roster
        for jid in jids:
            jid = JID(jid.bare)
            refresh = force_download or jid.bare == self.xmpp.boundjid.bare
            if jid.bare != self.xmpp.boundjid.bare and not (
                    roster.has_jid(jid) and roster[jid]["subscription"] == "both"):
                subscribed = (await self.storage.load_primitive(
                    "/slixmpp/subscribed/%s/%s" % (jid.bare, LEGACY), bool)).maybe(None)
                if not subscribed:
                    await self._subscribe(LEGACY, jid)
                    refresh = True
            if refresh:
                await session_manager.refresh_device_list(LEGACY, jid.bare)

    async def blindly_trust_undecided(self, bare_jid: str) -> None:
        session_manager = await self.get_session_manager()
        for device in await session_manager.get_device_information(bare_jid):
            if device.trust_level_name == TrustLevel.UNDECIDED.value:
                await session_manager.set_trust(bare_jid, device.identity_key,
                                                TrustLevel.BLINDLY_TRUSTED.value)


register_plugin(LegacyOMEMO)

TRUST_NAMES = {
    TrustLevel.TRUSTED.value: "trusted",
    TrustLevel.BLINDLY_TRUSTED.value: "trusted",
    TrustLevel.UNDECIDED.value: "undecided",
    TrustLevel.DISTRUSTED.value: "untrusted",
}


class CommandError(Exception):
    pass


class OMEMOPeer(ClientXMPP):
    def __init__(self, args: argparse.Namespace, password: str) -> None:
        super().__init__(args.jid, password)
        self.args = args
        # STARTTLS only, verified against the test CA; never plaintext, never direct TLS.
        self.ssl_context = ssl.create_default_context(cafile=args.ca)
        self.enable_direct_tls = False
        self.enable_starttls = True
        self.enable_plaintext = False

        self.finished: asyncio.Future = self.loop.create_future()
        self.ready = asyncio.Event()
        self.quitting = False
        # Sessions are read, changed and written back by each en- and decryption: one at a time,
        # in the order the stanzas and commands came (asyncio.Lock is fair).
        self.omemo_lock = asyncio.Lock()
        self.commands: asyncio.Queue = asyncio.Queue()
        self.handlers = {
            "send": self.command_send,
            "devices": self.command_devices,
            "trust": self.command_trust,
            "distrust": self.command_trust,
            "join": self.command_join,
            "send_room": self.command_send_room,
            "members": self.command_members,
            "leave": self.command_leave,
            "quit": self.command_quit,
        }
        # Rooms we joined (bare room JID -> our nick), and the bodies of our room messages by
        # id until the room echoes them (we never encrypt for our own device).
        self.joined_rooms: Dict[str, str] = {}
        self.sent_to_rooms: Dict[str, str] = {}

        for plugin in ("xep_0030", "xep_0060", "xep_0115", "xep_0163", "xep_0199", "xep_0203",
                       "xep_0334", "xep_0380", "xep_0045"):
            self.register_plugin(plugin)
        self.register_plugin("xep_0384", {"store_path": str(store_file(args))})

        self.add_event_handler("session_start", self.session_start)
        self.add_event_handler("failed_all_auth", lambda _: self.fail("authentication failed"))
        self.add_event_handler("connection_failed",
                               lambda error: self.fail("connection failed: %s" % error))
        self.add_event_handler("ssl_invalid_chain",
                               lambda error: self.fail("untrusted certificate: %s" % error))
        self.add_event_handler("stream_error",
                               lambda error: self.fail("stream error: %s" % error["condition"]))
        self.add_event_handler("disconnected", self.on_disconnected)
        # Synchronous, so it runs as the stanza arrives, in stream order: the room's presences
        # up to this message are known, and a sender's leaving right after it is not yet.
        self.register_handler(Callback(
            "OMEMO peer room senders", MatchXPath("{%s}message" % self.default_ns),
            self.note_room_sender))
        self.register_handler(CoroutineCallback(
            "OMEMO peer messages", MatchXPath("{%s}message" % self.default_ns), self.on_message))

    # --- life cycle -----------------------------------------------------------------------

    def finish(self, status: int) -> None:
        if not self.finished.done():
            self.finished.set_result(status)

    def fail(self, reason: str) -> None:
        if self.finished.done() or self.quitting:
            return
        emit("error", cmd=None, error=reason)
        self.finish(EXIT_CONNECTION)

    def on_disconnected(self, reason: Any) -> None:
        if not self.quitting:
            self.fail("disconnected%s" % (": %s" % reason if reason else ""))

    async def session_start(self, _: Any) -> None:
        try:
            await self.get_roster(timeout=15)
            self.send_presence()
            omemo_plugin: LegacyOMEMO = self.plugin["xep_0384"]
            session_manager = await asyncio.wait_for(omemo_plugin.get_session_manager(), 30)
            device = await self.check_published(session_manager)
        except Exception as error:  # pylint: disable=broad-exception-caught
            log.warning("OMEMO set-up failed", exc_info=True)
            self.fail("OMEMO set-up failed: %s" % describe(error))
            return
        emit("ready", jid=str(self.boundjid), device=device.device_id,
             fingerprint=fingerprint(device.identity_key))
        self.ready.set()
        asyncio.ensure_future(self.run_commands())

    async def check_published(self, session_manager: omemo.SessionManager) -> DeviceInformation:
        """What others need to encrypt for us is on the server: our id in the legacy device list
        and our bundle. ensure_data_consistency made it so; this looks again, from the server."""
        own = self.boundjid.bare
        device, _ = await session_manager.get_own_device_information()
        device_list = await session_manager._download_device_list(LEGACY, own)  # pylint: disable=protected-access
        if device.device_id not in device_list:
            raise RuntimeError("device %d is missing from the published device list %s"
                               % (device.device_id, sorted(device_list)))
        bundle = await session_manager._download_bundle(LEGACY, own, device.device_id)  # pylint: disable=protected-access
        if bundle.identity_key != device.identity_key:
            raise RuntimeError("the published bundle of device %d has another identity key"
                               % device.device_id)
        return device

    def run(self) -> int:
        self.connect(self.args.host, self.args.port)
        start_stdin_reader(self.loop, self.commands)
        try:
            status = self.loop.run_until_complete(
                asyncio.wait_for(asyncio.shield(self.finished), self.args.timeout))
        except asyncio.TimeoutError:
            emit("error", cmd=None, error="timed out after %gs" % self.args.timeout)
            status = EXIT_TIMEOUT
        self.quitting = True
        self.loop.run_until_complete(self.shut_down())
        return status

    async def shut_down(self) -> None:
        omemo_plugin: LegacyOMEMO = self.plugin["xep_0384"]
        if omemo_plugin._session_manager is not None:  # pylint: disable=protected-access
            try:
                await omemo_plugin._session_manager.shutdown()  # pylint: disable=protected-access
            except Exception:  # pylint: disable=broad-exception-caught
                log.debug("session manager shutdown", exc_info=True)
        self.cancel_connection_attempt()
        if self.is_connected():
            try:
                await asyncio.wait_for(self.disconnect(wait=2.0), 5)
            except Exception:  # pylint: disable=broad-exception-caught
                self.abort()
        # slixmpp leaves tasks behind: end them quietly rather than with warnings at exit.
        pending = [task for task in asyncio.all_tasks(self.loop)
                   if task is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    # --- commands -------------------------------------------------------------------------

    async def run_commands(self) -> None:
        while not self.finished.done():
            line = await self.commands.get()
            if line is None:  # end of stdin
                await self.command_quit({})
                return
            if not line.strip():
                continue
            name = None
            try:
                command = json.loads(line)
                if not isinstance(command, dict):
                    raise CommandError("a command is a JSON object")
                name = command.get("cmd")
                handler = self.handlers.get(name)
                if handler is None:
                    raise CommandError("unknown command %r" % (name,))
                await handler(command)
            except Exception as error:  # pylint: disable=broad-exception-caught
                if not isinstance(error, (CommandError, json.JSONDecodeError)):
                    log.warning("command %s failed", name, exc_info=True)
                emit("error", cmd=name, error=describe(error))

    @staticmethod
    def bare_jid_argument(command: Dict[str, Any], key: str) -> JID:
        value = command.get(key)
        if not isinstance(value, str) or not value:
            raise CommandError("%s: a JID is needed" % key)
        try:
            return JID(JID(value).bare)
        except Exception as error:  # pylint: disable=broad-exception-caught
            raise CommandError("%s: invalid JID %r" % (key, value)) from error

    async def command_send(self, command: Dict[str, Any]) -> None:
        to = self.bare_jid_argument(command, "to")
        body = command.get("body")
        if not isinstance(body, str) or body == "":
            raise CommandError("body: a non-empty string is needed")
        omemo_plugin: LegacyOMEMO = self.plugin["xep_0384"]
        message = self.make_message(mto=to, mtype="chat")
        message["body"] = body
        async with self.omemo_lock:
            # Always from the server: a device the recipient added since our last look counts.
            await omemo_plugin.refresh_device_lists({to, JID(self.boundjid.bare)},
                                                    force_download=True)
            encrypted, errors = await omemo_plugin.encrypt_message(message, to)
        if encrypted is None:
            raise CommandError("nothing to encrypt")
        encrypted["eme"]["namespace"] = LEGACY
        encrypted["eme"]["name"] = self.plugin["xep_0380"].mechanisms[LEGACY]
        encrypted.send()
        fields: Dict[str, Any] = {"to": to.bare, "id": encrypted["id"]}
        if errors:
            # Devices left out (a bundle that could not be had, say): the message still went.
            fields["warnings"] = sorted("%s/%d: %s" % (e.bare_jid, e.device_id, describe(e.exception))
                                        for e in errors)
        emit("sent", **fields)

    async def command_devices(self, command: Dict[str, Any]) -> None:
        jid = self.bare_jid_argument(command, "jid")
        omemo_plugin: LegacyOMEMO = self.plugin["xep_0384"]
        session_manager = await omemo_plugin.get_session_manager()
        async with self.omemo_lock:
            await omemo_plugin.refresh_device_lists({jid}, force_download=True)
            await omemo_plugin.blindly_trust_undecided(jid.bare)
            devices = await session_manager.get_device_information(jid.bare)
        own_device, _ = await session_manager.get_own_device_information()
        listed = []
        for device in sorted(devices, key=lambda d: d.device_id):
            if not dict(device.active).get(LEGACY, False):
                continue  # no longer in the published device list
            entry = {
                "device": device.device_id,
                "fingerprint": fingerprint(device.identity_key),
                "trust": TRUST_NAMES.get(device.trust_level_name, device.trust_level_name.lower()),
                "trust_level": device.trust_level_name,
            }
            if jid.bare == self.boundjid.bare and device.device_id == own_device.device_id:
                entry["own"] = True
            listed.append(entry)
        emit("devices", jid=jid.bare, devices=listed)

    async def command_trust(self, command: Dict[str, Any]) -> None:
        name = command["cmd"]
        jid = self.bare_jid_argument(command, "jid")
        device_id = command.get("device")
        if isinstance(device_id, str) and device_id.isdigit():
            device_id = int(device_id)
        if not isinstance(device_id, int) or isinstance(device_id, bool):
            raise CommandError("device: a device id (integer) is needed")
        omemo_plugin: LegacyOMEMO = self.plugin["xep_0384"]
        session_manager = await omemo_plugin.get_session_manager()
        async with self.omemo_lock:
            devices = await session_manager.get_device_information(jid.bare)
            device = next((d for d in devices if d.device_id == device_id), None)
            if device is None:
                await omemo_plugin.refresh_device_lists({jid}, force_download=True)
                devices = await session_manager.get_device_information(jid.bare)
                device = next((d for d in devices if d.device_id == device_id), None)
            if device is None:
                raise CommandError("%s has no device %d" % (jid.bare, device_id))
            level = TrustLevel.TRUSTED if name == "trust" else TrustLevel.DISTRUSTED
            await session_manager.set_trust(jid.bare, device.identity_key, level.value)
        emit("ok", cmd=name, jid=jid.bare, device=device_id)

    # --- rooms ----------------------------------------------------------------------------

    @staticmethod
    def condition(error: BaseException) -> str:
        """The stanza error condition (and text) of a failed request, else the exception."""
        if isinstance(error, (IqError, PresenceError)):
            stanza = error.iq if isinstance(error, IqError) else error.presence
            text = stanza["error"]["text"]
            condition = stanza["error"]["condition"] or "error"
            return "%s (%s)" % (condition, text) if text else condition
        if isinstance(error, (IqTimeout, asyncio.TimeoutError)):
            return "no answer within %ds" % ROOM_STEP
        return describe(error)

    def joined_room(self, command: Dict[str, Any]) -> JID:
        room = self.bare_jid_argument(command, "room")
        if room.bare not in self.joined_rooms:
            raise CommandError("not in the room %s (join it first)" % room.bare)
        return room

    def room_occupants(self, room: JID) -> Dict[str, Dict[str, Any]]:
        """What the room's presences told us, by nick (slixmpp's XEP-0045 plugin keeps them)."""
        return dict(self.plugin["xep_0045"].rooms[None].get(room, {}))

    @staticmethod
    def real_bare_jid(entry: Dict[str, Any]) -> Optional[str]:
        real = entry.get("jid")
        return (JID(str(real)).bare or None) if real else None

    async def command_join(self, command: Dict[str, Any]) -> None:
        room = self.bare_jid_argument(command, "room")
        nick = command.get("nick")
        if not isinstance(nick, str) or nick == "":
            raise CommandError("nick: a non-empty string is needed")
        members = command.get("members", [])
        if not isinstance(members, list):
            raise CommandError("members: a list of JIDs is needed")
        member_jids = [self.bare_jid_argument({"member": m}, "member") for m in members]
        history = command.get("history")
        if history is not None and (not isinstance(history, int) or isinstance(history, bool)
                                    or history < 0):
            raise CommandError("history: a number of messages (integer >= 0) is needed")
        muc = self.plugin["xep_0045"]
        # join_muc_wait sees only error presences that carry the muc element, and Prosody's
        # do not: watch for any error presence from the room as well.
        refused: asyncio.Future = self.loop.create_future()

        def on_error(presence: Presence) -> None:
            if presence["from"].bare == room.bare and not refused.done():
                refused.set_exception(PresenceError(presence))

        self.add_event_handler("presence_error", on_error)
        joining = asyncio.ensure_future(
            muc.join_muc_wait(room, nick, maxstanzas=history, timeout=ROOM_STEP))
        try:
            done, _ = await asyncio.wait([joining, refused], timeout=ROOM_STEP,
                                         return_when=asyncio.FIRST_COMPLETED)
            if not done:
                raise asyncio.TimeoutError()
            presence, _, _, _ = (joining if joining in done else refused).result()
        except (PresenceError, asyncio.TimeoutError) as error:
            muc.rooms[None].pop(room, None)
            raise CommandError("join refused: %s" % self.condition(error)) from None
        finally:
            self.del_event_handler("presence_error", on_error)
            for future in (joining, refused):
                if not future.done():
                    future.cancel()
            if refused.done() and not refused.cancelled():
                refused.exception()  # retrieved: no "exception never retrieved" warning
        joined_nick = presence["from"].resource
        self.joined_rooms[room.bare] = joined_nick
        created = 201 in presence["muc"]["status_codes"]
        try:
            if created:
                await self.configure_room(room)
            if member_jids:
                await muc.send_affiliation_list(room, [(j, "member") for j in member_jids],
                                                timeout=ROOM_STEP)
            info = await self.plugin["xep_0030"].get_info(jid=room, cached=False,
                                                          timeout=ROOM_STEP)
        except (IqError, IqTimeout) as error:
            raise CommandError("in %s: %s" % (room.bare, self.condition(error))) from None
        features = set(info["disco_info"]["features"])
        if created and not {"muc_membersonly", "muc_nonanonymous"} <= features:
            raise CommandError("%s is not members-only and non-anonymous after its configuration:"
                               " %s" % (room.bare, sorted(features)))
        emit("joined", room=room.bare, nick=joined_nick, created=created,
             membersonly="muc_membersonly" in features,
             nonanonymous="muc_nonanonymous" in features)

    async def configure_room(self, room: JID) -> None:
        """Members-only, non-anonymous (real JIDs to anyone) and persistent: a room OMEMO can use."""
        muc = self.plugin["xep_0045"]
        offered = (await muc.get_room_config(room, timeout=ROOM_STEP)).get_fields()
        wanted = {"muc#roomconfig_membersonly": "1", "muc#roomconfig_whois": "anyone",
                  "muc#roomconfig_persistentroom": "1"}
        missing = sorted(set(wanted) - set(offered))
        if missing:
            raise CommandError("the configuration form of %s lacks %s" % (room.bare, missing))
        form = self.plugin["xep_0004"].make_form(ftype="submit")
        form.add_field(var="FORM_TYPE", ftype="hidden", value=ROOM_CONFIG)
        for var, value in wanted.items():
            form.add_field(var=var, value=value)
        await muc.set_room_config(room, form, timeout=ROOM_STEP)

    async def affiliation_lists(self, room: JID) -> Tuple[Dict[str, Optional[List[str]]],
                                                          Dict[str, str]]:
        muc = self.plugin["xep_0045"]
        lists: Dict[str, Optional[List[str]]] = {}
        errors: Dict[str, str] = {}
        for affiliation in AFFILIATIONS:
            try:
                listed = await muc.get_affiliation_list(room, affiliation, timeout=ROOM_STEP)
            except (IqError, IqTimeout) as error:
                lists[affiliation] = None
                errors[affiliation] = self.condition(error)
                continue
            lists[affiliation] = sorted({JID(str(j)).bare for j in listed if j})
        return lists, errors

    async def command_members(self, command: Dict[str, Any]) -> None:
        room = self.bare_jid_argument(command, "room")
        occupants = [{"nick": nick, "jid": self.real_bare_jid(entry),
                      "affiliation": entry.get("affiliation") or None,
                      "role": entry.get("role") or None}
                     for nick, entry in sorted(self.room_occupants(room).items())]
        lists, errors = await self.affiliation_lists(room)
        emit("members", room=room.bare, occupants=occupants, affiliations=lists, errors=errors)

    async def command_send_room(self, command: Dict[str, Any]) -> None:
        room = self.joined_room(command)
        body = command.get("body")
        if not isinstance(body, str) or body == "":
            raise CommandError("body: a non-empty string is needed")
        own = self.boundjid.bare
        recipients: Set[str] = set()
        warnings: List[str] = []
        for nick, entry in sorted(self.room_occupants(room).items()):
            real = self.real_bare_jid(entry)
            if real is None:
                warnings.append("occupant %s: real JID not visible" % nick)
            else:
                recipients.add(real)
        lists, errors = await self.affiliation_lists(room)
        for affiliation, listed in lists.items():
            recipients.update(listed or ())
        warnings.extend("%s list: %s" % item for item in sorted(errors.items()))
        recipients.discard(own)
        jids = {JID(j) for j in recipients} | {JID(own)}
        omemo_plugin: LegacyOMEMO = self.plugin["xep_0384"]
        message = self.make_message(mto=room, mtype="groupchat")
        message["body"] = body
        async with self.omemo_lock:
            await omemo_plugin.refresh_device_lists(jids, force_download=True)
            encrypted, device_errors = await omemo_plugin.encrypt_message(message, jids)
        if encrypted is None:
            raise CommandError("nothing to encrypt")
        # slixmpp-omemo keeps the plaintext of each groupchat message for the room's echo; this
        # peer keeps its own (see handle_room_message), so drop upstream's copy.
        getattr(omemo_plugin, "_XEP_0384__muc_reflection_cache", {}).pop(encrypted["id"], None)
        encrypted["eme"]["namespace"] = LEGACY
        encrypted["eme"]["name"] = self.plugin["xep_0380"].mechanisms[LEGACY]
        self.sent_to_rooms[encrypted["id"]] = body
        encrypted.send()
        warnings.extend(sorted("%s/%d: %s" % (e.bare_jid, e.device_id, describe(e.exception))
                               for e in device_errors))
        fields: Dict[str, Any] = {"to": room.bare, "id": encrypted["id"],
                                  "recipients": sorted(recipients)}
        if warnings:
            fields["warnings"] = warnings
        emit("sent", **fields)

    async def command_leave(self, command: Dict[str, Any]) -> None:
        room = self.joined_room(command)
        nick = self.joined_rooms[room.bare]
        gone: asyncio.Future = self.loop.create_future()

        def on_presence(presence: Presence) -> None:
            if (presence["type"] == "unavailable" and presence["from"].bare == room.bare
                    and presence["from"].resource == nick and not gone.done()):
                gone.set_result(presence)

        self.add_event_handler("groupchat_presence", on_presence)
        try:
            self.plugin["xep_0045"].leave_muc(room, nick)
            await asyncio.wait_for(gone, ROOM_STEP)
        except asyncio.TimeoutError:
            raise CommandError("the room did not confirm the leave within %ds" % ROOM_STEP) from None
        finally:
            self.del_event_handler("groupchat_presence", on_presence)
            self.joined_rooms.pop(room.bare, None)
        emit("left", room=room.bare)

    async def command_quit(self, _command: Dict[str, Any]) -> None:
        self.quitting = True
        # Let what was sent leave before the stream closes (disconnect drains the send queue).
        async with self.omemo_lock:
            pass
        self.finish(EXIT_OK)

    # --- incoming messages ----------------------------------------------------------------

    def note_room_sender(self, stanza: Message) -> None:
        """For a groupchat message: the sender's real JID and whether the nick is ours, as the
        room's presences say now (the message handler runs later, when they may have changed)."""
        if stanza["type"] != "groupchat":
            return
        room, nick = JID(stanza["from"].bare), stanza["from"].resource
        muc = self.plugin["xep_0045"]
        real = self.real_bare_jid({"jid": muc.get_jid_property(room, nick, "jid")}) if nick else None
        own = bool(nick) and self.joined_rooms.get(room.bare) == nick
        if own and real is None:
            real = self.boundjid.bare
        stanza.omemo_peer_room_sender = (real, own)

    async def on_message(self, stanza: Message) -> None:
        try:
            await self.handle_message(stanza)
        except Exception as error:  # pylint: disable=broad-exception-caught
            log.warning("message handling failed", exc_info=True)
            fields = {"from": str(stanza["from"]), "id": stanza["id"] or None,
                      "type": stanza["type"], "encrypted": None, "body": None,
                      "sender_device": None, "key_transport": False, "delayed": False,
                      "error": describe(error)}
            if stanza["type"] == "groupchat":
                fields.update(self.room_fields(stanza))
            emit("message", **fields)

    def room_fields(self, stanza: Message) -> Dict[str, Any]:
        real, own = getattr(stanza, "omemo_peer_room_sender", (None, False))
        return {"room": stanza["from"].bare, "nick": stanza["from"].resource or None,
                "real_jid": real, "own": own}

    async def handle_message(self, stanza: Message) -> None:
        message_type = stanza["type"]
        if message_type == "error":
            await self.ready.wait()
            emit("stanza-error", **{"from": str(stanza["from"]), "id": stanza["id"] or None,
                                    "error": stanza["error"]["condition"] or "error"})
            return
        if message_type == "groupchat":
            await self.handle_room_message(stanza)
            return
        if message_type not in ("chat", "normal"):
            return
        omemo_plugin: LegacyOMEMO = self.plugin["xep_0384"]
        encrypted_element = stanza.xml.find("{%s}encrypted" % LEGACY)
        if encrypted_element is None:
            if not stanza["body"]:
                return  # chat states, receipts, PEP events: not messages to report
            await self.ready.wait()
            self.emit_message(stanza, encrypted=False, body=stanza["body"])
            return

        header = encrypted_element.find("{%s}header" % LEGACY)
        sender_device = None
        if header is not None and (header.get("sid") or "").isdigit():
            sender_device = int(header.get("sid"))
        key_transport = encrypted_element.find("{%s}payload" % LEGACY) is None
        # Decrypt in arrival order, one at a time; report only after "ready".
        async with self.omemo_lock:
            try:
                decrypted, device = await omemo_plugin.decrypt_message(stanza)
            except Exception as error:  # pylint: disable=broad-exception-caught
                log.info("decryption failed", exc_info=True)
                await self.ready.wait()
                self.emit_message(stanza, encrypted=True, body=None, sender_device=sender_device,
                                  key_transport=key_transport, error=describe(error))
                return
            await self.ready.wait()
            body = decrypted["body"] or None
            self.emit_message(stanza, encrypted=True, body=body, sender_device=device.device_id,
                              key_transport=key_transport or body is None)

    async def handle_room_message(self, stanza: Message) -> None:
        """A groupchat message: like a chat message, but the sender's bare JID for OMEMO is the
        occupant's real JID, and the room's echo of our own message is not encrypted for us.

        slixmpp-omemo's decrypt_message would look the real JID up itself (XEP-0045 plugin,
        at decryption time) and answer the echo from its own cache; this does the same, but with
        the real JID as it was when the message came (an occupant may leave right after
        sending), by decrypting a copy that names the real JID as its sender."""
        room = self.room_fields(stanza)
        encrypted_element = stanza.xml.find("{%s}encrypted" % LEGACY)
        if encrypted_element is None:
            if not stanza["body"]:
                return  # subject, configuration notices, chat states: not messages to report
            await self.ready.wait()
            self.emit_message(stanza, encrypted=False, body=stanza["body"], room=room)
            return
        header = encrypted_element.find("{%s}header" % LEGACY)
        sender_device = None
        if header is not None and (header.get("sid") or "").isdigit():
            sender_device = int(header.get("sid"))
        key_transport = encrypted_element.find("{%s}payload" % LEGACY) is None
        omemo_plugin: LegacyOMEMO = self.plugin["xep_0384"]
        async with self.omemo_lock:
            if room["own"] and stanza["id"] in self.sent_to_rooms:
                await self.ready.wait()
                own_device, _ = await (await omemo_plugin.get_session_manager()) \
                    .get_own_device_information()
                self.emit_message(stanza, encrypted=True, body=self.sent_to_rooms.pop(stanza["id"]),
                                  sender_device=own_device.device_id, room=room)
                return
            error: Optional[str] = None
            if room["real_jid"] is None:
                error = ("the real JID of %s is unknown (an anonymous room, or an occupant who"
                         " has left)" % stanza["from"])
            else:
                now = self.real_bare_jid({"jid": self.plugin["xep_0045"].get_jid_property(
                    JID(room["room"]), room["nick"] or "", "jid")})
                if now != room["real_jid"]:
                    log.debug("%s: real JID %s when the message came, %s now",
                              stanza["from"], room["real_jid"], now)
                as_chat = copy(stanza)
                as_chat["from"] = JID(room["real_jid"])
                as_chat["type"] = "chat"
                try:
                    decrypted, device = await omemo_plugin.decrypt_message(as_chat)
                except Exception as failure:  # pylint: disable=broad-exception-caught
                    log.info("decryption failed", exc_info=True)
                    error = describe(failure)
            await self.ready.wait()
            if error is not None:
                self.emit_message(stanza, encrypted=True, body=None, sender_device=sender_device,
                                  key_transport=key_transport, error=error, room=room)
                return
            body = decrypted["body"] or None
            self.emit_message(stanza, encrypted=True, body=body, sender_device=device.device_id,
                              key_transport=key_transport or body is None, room=room)

    def emit_message(self, stanza: Message, *, encrypted: bool, body: Optional[str],
                     sender_device: Optional[int] = None, key_transport: bool = False,
                     error: Optional[str] = None,
                     room: Optional[Dict[str, Any]] = None) -> None:
        emit("message", **{
            "from": str(stanza["from"]),
            "id": stanza["id"] or None,
            "type": stanza["type"],
            "encrypted": encrypted,
            "body": body,
            "sender_device": sender_device,
            "key_transport": key_transport,
            "delayed": stanza.xml.find("{urn:xmpp:delay}delay") is not None,
            "error": error,
            **(room or {}),
        })


def start_stdin_reader(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue) -> None:
    """Lines of stdin into the queue, then None at its end. A thread: stdin may be a pipe, a
    file or a terminal, and only some of those work with the event loop's pipe transports."""

    def read() -> None:
        try:
            for line in sys.stdin:
                loop.call_soon_threadsafe(queue.put_nowait, line)
        except Exception:  # pylint: disable=broad-exception-caught
            log.warning("reading stdin failed", exc_info=True)
        try:
            loop.call_soon_threadsafe(queue.put_nowait, None)
        except RuntimeError:
            pass  # the loop is closed: the peer has finished already

    threading.Thread(target=read, name="stdin", daemon=True).start()


def store_file(args: argparse.Namespace) -> Path:
    return Path(args.store) / ("%s.json" % JID(args.jid).bare)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jid", required=True)
    parser.add_argument("--password-file", required=True,
                        help="file holding the password (one trailing newline is ignored)")
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca", required=True, help="PEM file of the CA to trust")
    parser.add_argument("--store", required=True,
                        help="directory of the OMEMO state, kept between runs")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds for the whole run; exit 2 when they pass (default 60)")
    parser.add_argument("--debug", action="store_true", help="debug log on stderr")
    args = parser.parse_args()

    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        with open(args.password_file, encoding="utf-8") as file:
            password = file.read()
        if password.endswith("\n"):
            password = password[:-1]
        if password.endswith("\r"):
            password = password[:-1]
        store = Path(args.store)
        store.mkdir(parents=True, exist_ok=True)
        lock = open(store / (".%s.lock" % JID(args.jid).bare), "w")  # pylint: disable=consider-using-with
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError("another peer uses the store %s" % store_file(args)) from None
        peer = OMEMOPeer(args, password)
    except Exception as error:  # pylint: disable=broad-exception-caught
        emit("error", cmd=None, error=describe(error))
        return EXIT_CONNECTION
    status = peer.run()
    lock.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
