import Foundation
import NodeStore
import Replication
import ReturnsDomain
import Testing

@testable import EventCoding

/// The event codec's fast decoder reads every event a node stores as `JSONDecoder` does.
@Suite struct StoredEventDecodingTests {
    @Test("every event a node records decodes to the same value as with JSONDecoder")
    func eventsOfAWorkingDay() async throws {
        let f = try NodeFixture()
        defer { f.cleanUp() }
        try await f.seedCatalog()
        try await f.service.registerCustomer(
            Customer(id: "C-1", name: "Zoë \"Z\" O'Brien\n\t\\ 東京 🎉", phone: nil, email: "z@example.com"),
            staff: f.staff)
        _ = try await f.service.recordSale(f.sale("R-1", quantity: 3), staff: f.staff)
        let view = try await f.service.createReturn(
            CreateReturnCommand(
                sale: "R-1",
                lines: [RequestedLine(saleLine: 1, quantity: 2, reason: .defective, condition: .openedComplete)]),
            staff: f.staff)
        _ = try await f.service.advance(view.id, .receive(trackingNumber: nil), staff: f.staff)
        _ = try await f.service.advance(
            view.id, .inspect(grades: [LineGrade(line: 1, grade: .b, quantity: 2)]), staff: f.staff)
        _ = try await f.service.advance(
            view.id,
            .dispose(dispositions: [
                LineDisposition(
                    line: 1, quantity: 2,
                    disposition: .refurbish(unitValue: Money(1_000, NodeFixture.eur), disclosure: "scratch"))
            ]),
            staff: f.staff)
        _ = try await f.service.advance(view.id, .refund(method: .storeCredit(customer: nil)), staff: f.staff)
        let events = try await f.service.read { try $0.allEvents() }
        #expect(events.count > 10)
        for event in events {
            for data in [try JSONEncoder().encode(event), try StreamingJSONEncoder.encode(event)] {
                let fast = try FastJSONDecoder.decode(Event.self, from: data)
                #expect(
                    fast == (try JSONDecoder().decode(Event.self, from: data)), "\(event.dot) \(event.payload.kind)")
            }
        }
    }
}
