import ReturnsDomain

/// The state machine of a return document, walked in causal order.
enum ReturnFold {
    static func fold(_ state: inout RecordState, _ events: [Event]) {
        var r = ReturnOrderState()
        var c = Contributions()
        var statusEvent: Event?
        let key = state.key

        func report(_ code: String, _ dots: [Dot], _ message: String) {
            state.exceptions.append(ReplicationException(code: code, record: key, dots: dots, message: message))
        }

        for e in events {
            if case .returnRequested(let request) = e.payload {
                if let existing = r.request {
                    if existing != request {
                        report(
                            "conflict.duplicateRecord", [statusEvent?.dot ?? e.dot, e.dot],
                            "one return number requested twice with different content; the first was kept")
                    }
                    continue
                }
                r.request = request
                r.status = .requested
                statusEvent = e
                r.statusDot = e.dot
                r.steps.append(
                    ReturnStep(event: e.payload.kind, status: .requested, dot: e.dot, staff: e.staff, hlc: e.hlc))
                continue
            }
            guard let action = e.payload.returnAction else { continue }
            guard let request = r.request else {
                report("event.illegalTransition", [e.dot], "\(e.payload.kind) before the return was requested")
                continue
            }
            let legal = action.allowedFrom.contains(r.status)
            if !legal {
                // Who beat it: a concurrent event that already moved the record, or nothing (a bad event).
                let concurrent = statusEvent.map { e.isConcurrent(with: $0) } ?? false
                let code: String
                switch (concurrent, action) {
                case (true, .refund): code = "conflict.duplicateRefund"
                case (true, .exchange): code = "conflict.duplicateExchange"
                case (true, .dispose): code = "conflict.duplicateDisposition"
                case (true, _): code = "conflict.concurrentTransition"
                case (false, _): code = "event.illegalTransition"
                }
                report(
                    code, [statusEvent?.dot ?? e.dot, e.dot],
                    "\(e.payload.kind) could not apply to a return that is \(r.status.rawValue); "
                        + (concurrent ? "a concurrent step won by (causal order, HLC, node)" : "out of order"))
            }
            // Money and goods handed out are facts even when the step loses: count them, flagged above.
            switch e.payload {
            case .refundIssued(let refund):
                r.refunds.append(refund)
                c.journal += Postings.refund(request, refund)
                for a in refund.allocations where a.tender == .storeCredit {
                    c.credit(a.reference.map(CustomerID.init(rawValue:)) ?? request.customer, a.amount)
                }
            case .exchangeCompleted(let x):
                r.exchanges.append(x)
                for l in x.outLines {
                    c.movements.append(
                        StockMovement(store: request.store, sku: l.sku, from: .sellable, to: nil, quantity: l.quantity))
                }
                c.journal += Postings.exchange(request, x)
                if x.settlementTender == .storeCredit { c.credit(request.customer, -x.difference) }
            default:
                break
            }
            guard legal else { continue }
            switch e.payload {
            case .returnRejected:
                r.rejected = true
            case .returnReceived(let at, _, let store):
                // Into the stock of the store that took the goods in (DESIGN §2).
                r.receivedAt = store
                for l in request.lines where l.bringsGoods {
                    c.movements.append(
                        StockMovement(
                            store: store ?? request.store, sku: l.sku, from: nil, to: .pendingInspection,
                            quantity: l.quantity))
                }
                c.journal += Postings.goodsReceived(request, at: at, receivedAt: store)
            case .returnInspected(_, let grades):
                r.grades = grades
            case .returnDisposed(let at, let dispositions):
                r.dispositions = dispositions
                for d in dispositions {
                    guard let line = request.line(d.line) else { continue }
                    c.movements.append(
                        StockMovement(
                            store: r.receivedAt ?? request.store, sku: line.sku, from: .pendingInspection,
                            to: d.disposition.destination, quantity: d.quantity))
                }
                c.journal += Postings.disposal(request, dispositions, at: at, store: r.receivedAt)
            default:
                break
            }
            r.status = action.resultingStatus
            r.statusDot = e.dot
            statusEvent = e
            r.steps.append(ReturnStep(event: e.payload.kind, status: r.status, dot: e.dot, staff: e.staff, hlc: e.hlc))
        }

        if let request = r.request, r.holdsQuantity, let sale = request.sale {
            for l in request.lines {
                if let saleLine = l.saleLine {
                    c.returned[SaleLineKey(sale: sale, line: saleLine), default: 0] += l.quantity
                }
                for s in l.serials { c.returnedSerials[SaleSerialKey(sale: sale, serial: s), default: 0] += 1 }
            }
        }
        state.body = .returnOrder(r)
        state.contributions = c
    }
}
