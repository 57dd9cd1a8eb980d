/// OMEMO's PEP nodes (XEP-0163) over a session: device lists and bundles, read and published.
public enum OMEMOPEP {
    /// The devices `jid` (bare) has published; none when it never published a list.
    public static func deviceList(of jid: JID, session: XMPPSession, deadline: Deadline) throws(XMPPError) -> [UInt32] {
        guard let list = try deviceLists(of: [jid], session: session, deadline: deadline)[jid.bare] else { return [] }
        switch list {
        case .success(let devices): return devices
        case .failure(let error): throw .stanzaError(error)
        }
    }

    /// The device lists of `jids`, asked for in one flight: each the devices published (none
    /// when the node does not exist), or the error the server gave instead.
    public static func deviceLists(
        of jids: [JID], session: XMPPSession, deadline: Deadline
    ) throws(XMPPError) -> [JID: Result<[UInt32], StanzaError>] {
        var seen = Set<JID>()
        let asked = jids.map(\.bare).filter { seen.insert($0).inserted }
            .map { ($0, session.sendRequest(itemsRequest($0, node: Namespace.omemoLegacyDeviceList))) }
        let responses = try session.waitForResponses(asked.map(\.1), deadline: deadline, waitingFor: "OMEMO device lists")
        var result: [JID: Result<[UInt32], StanzaError>] = [:]
        for (jid, id) in asked {
            guard let response = responses[id] else { continue }
            if response[attribute: "type"] == "error" {
                let error = XMPPSession.stanzaError(in: response)
                result[jid] = error.condition == "item-not-found" ? .success([]) : .failure(error)
            } else {
                result[jid] = .success(firstItemPayload(response, "list").map(OMEMOElements.devices) ?? [])
            }
        }
        return result
    }

    /// Publishes our device list, readable by anyone (the open access model every client
    /// expects, so that contacts not yet in the roster can encrypt to us).
    public static func publishDeviceList(_ devices: [UInt32], session: XMPPSession, deadline: Deadline) throws(XMPPError) {
        _ = try session.request(
            publishRequest(node: Namespace.omemoLegacyDeviceList, payload: OMEMOElements.deviceList(devices)),
            deadline: deadline, waitingFor: "the server to publish our OMEMO device list")
    }

    public static func publishBundle(_ bundle: OMEMOBundle, device: UInt32, session: XMPPSession, deadline: Deadline) throws(XMPPError) {
        _ = try session.request(
            publishRequest(node: OMEMOElements.bundleNode(device: device), payload: OMEMOElements.bundle(bundle)),
            deadline: deadline, waitingFor: "the server to publish our OMEMO bundle")
    }

    /// The bundles of `addresses`, asked for all at once; each is a bundle or why there is none.
    public static func bundles(
        of addresses: [OMEMOAddress], session: XMPPSession, deadline: Deadline
    ) throws(XMPPError) -> [OMEMOAddress: Result<OMEMOBundle, OMEMOError>] {
        var ids: [(OMEMOAddress, String)] = []
        for address in addresses {
            guard let jid = try? JID(address.jid) else { continue }
            ids.append((address, session.sendRequest(itemsRequest(jid, node: OMEMOElements.bundleNode(device: address.device)))))
        }
        let responses = try session.waitForResponses(ids.map(\.1), deadline: deadline, waitingFor: "OMEMO bundles")
        var result: [OMEMOAddress: Result<OMEMOBundle, OMEMOError>] = [:]
        for (address, id) in ids {
            guard let response = responses[id] else { continue }
            if response[attribute: "type"] == "error" {
                let error = XMPPSession.stanzaError(in: response)
                result[address] = .failure(OMEMOError("the bundle of \(address) cannot be fetched (\(error.condition))"))
            } else if let bundle = firstItemPayload(response, "bundle") {
                do throws(OMEMOError) {
                    result[address] = .success(try OMEMOElements.bundle(from: bundle))
                } catch {
                    result[address] = .failure(OMEMOError("the bundle of \(address) is unusable: \(error.reason)"))
                }
            } else {
                result[address] = .failure(OMEMOError("\(address) has published no bundle"))
            }
        }
        return result
    }

    // MARK: Requests

    private static func itemsRequest(_ jid: JID, node: String) -> XMLElement {
        let items = XMLElement("items", namespace: Namespace.pubsub, attributes: ["node": node, "max_items": "1"])
        let pubsub = XMLElement("pubsub", namespace: Namespace.pubsub, children: [.element(items)])
        return XMLElement("iq", attributes: ["type": "get", "to": jid.bare.description], children: [.element(pubsub)])
    }

    private static func publishRequest(node: String, payload: XMLElement) -> XMLElement {
        let item = XMLElement("item", namespace: Namespace.pubsub, attributes: ["id": "current"], children: [.element(payload)])
        let publish = XMLElement("publish", namespace: Namespace.pubsub, attributes: ["node": node], children: [.element(item)])
        func field(_ name: String, _ value: String, type: String? = nil) -> XMLElement {
            let value = XMLElement("value", namespace: Namespace.dataForms, children: [.text(value)])
            return XMLElement("field", namespace: Namespace.dataForms, attributes: type.map { ["var": name, "type": $0] } ?? ["var": name], children: [.element(value)])
        }
        let form = XMLElement(
            "x", namespace: Namespace.dataForms, attributes: ["type": "submit"],
            children: [.element(field("FORM_TYPE", Namespace.pubsubPublishOptions, type: "hidden")), .element(field("pubsub#access_model", "open"))])
        let options = XMLElement("publish-options", namespace: Namespace.pubsub, children: [.element(form)])
        let pubsub = XMLElement("pubsub", namespace: Namespace.pubsub, children: [.element(publish), .element(options)])
        return XMLElement("iq", attributes: ["type": "set"], children: [.element(pubsub)])
    }

    private static func firstItemPayload(_ response: XMLElement, _ name: String) -> XMLElement? {
        response.child("pubsub", namespace: Namespace.pubsub)?
            .child("items", namespace: Namespace.pubsub)?
            .elements(named: "item", namespace: Namespace.pubsub).first?
            .child(name, namespace: Namespace.omemoLegacy)
    }
}
