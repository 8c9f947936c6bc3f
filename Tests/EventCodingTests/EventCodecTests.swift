import EventCoding
import Foundation
import Replication
import ReturnsDomain
import Testing

/// The codec's public surface: what nodes store and send is what the hub reads.
@Suite struct EventCodecTests {
    static let context = VersionVector([NodeID("b"): 3, NodeID("a"): 9])

    @Test("every payload encodes and decodes back to an equal event")
    func eventRoundTrip() throws {
        for e in EventJSONTests.events(context: Self.context) {
            #expect(try EventCodec.decodeEvent(EventCodec.encode(e)) == e)
        }
    }

    @Test("a change set as a node pushes it (JSONEncoder) decodes to the same value as with JSONDecoder")
    func changeSet() throws {
        let changeSet = ChangeSet(node: "N-1", events: EventJSONTests.events(context: Self.context))
        let data = try JSONEncoder().encode(changeSet)
        #expect(try EventCodec.decodeChangeSet(data) == changeSet)
        #expect(try EventCodec.decodeChangeSet(data) == (try JSONDecoder().decode(ChangeSet.self, from: data)))
    }

    @Test("a malformed change set is refused with Foundation's DecodingError")
    func malformedChangeSet() {
        for text in [
            "", "{", "{\"node\": \"N-1\"}", "{\"node\": \"N-1\", \"events\": [{}]}", "{\"node\": 1, \"events\": []}",
        ] {
            #expect(throws: DecodingError.self, "\(text)") { try EventCodec.decodeChangeSet(Data(text.utf8)) }
        }
    }

    @Test("a pulled page's events keep the bytes they arrived in")
    func rawMembers() throws {
        let events = EventJSONTests.events(context: Self.context).prefix(3)
        let bodies = try events.map { try EventCodec.encode($0) }
        let page = Data(
            ("{\"events\": ["
                + bodies.map { "{\"hubSeq\": 1, \"event\": " + String(decoding: $0, as: UTF8.self) + "}" }.joined(
                    separator: ", ") + "]}").utf8)
        #expect(EventCodec.rawMembers(of: page, array: "events", member: "event") == bodies)
        #expect(EventCodec.rawMembers(of: Data("[]".utf8), array: "events", member: "event") == nil)
    }

    @Test("a version vector's text is sorted by node")
    func vectorText() {
        #expect(EventCodec.vectorText(Self.context) == "a:9,b:3")
        #expect(EventCodec.vectorText(VersionVector()) == "")
    }
}
