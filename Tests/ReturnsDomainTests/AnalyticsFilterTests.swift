import ReturnsDomain
import Testing

/// Head office's filters, charts over time, supplier quality, the stock pivot and the drill-downs:
/// pure functions of the analytics facts (`AnalyticsFixtures.main`).
@Suite struct AnalyticsFilterTests {
    typealias F = AnalyticsFixtures

    static func parse(_ query: [String: String]) throws(DomainError) -> AnalyticsFilter {
        try AnalyticsFilter.parse { query[$0] }
    }

    @Test("a query becomes a filter; dates are whole UTC days, date-times keep their offset")
    func parsing() throws {
        let f = try Self.parse([
            "from": "2025-03-01", "to": "2025-03-06", "store": "A", "channel": "branch", "category": "kitchen",
            "reason": "defective", "vendor": "ACME",
        ])
        #expect(f.from == F.day(2025, 3, 1))
        #expect(f.to == Instant(millis: F.day(2025, 3, 7).millis - 1), "a date as `to` is the end of that day")
        #expect(f.store == "A" && f.channel == .branch && f.category == "kitchen")
        #expect(f.reason == .defective && f.vendor == "ACME")
        #expect(try Self.parse([:]).isEmpty)
        let shanghai = try Self.parse(["from": "2025-03-01T08:00:00+08:00", "to": "2025-03-01T00:00:00.5Z"])
        #expect(shanghai.from == F.day(2025, 3, 1) && shanghai.to == Instant(millis: F.day(2025, 3, 1).millis + 500))
        #expect(Instant.rfc3339("2025-03-01T12:30:00Z", endOfDay: true)?.rfc3339 == "2025-03-01T12:30:00Z")
        // What a next page's link carries gives the same filter back.
        let again = try Self.parse(Dictionary(uniqueKeysWithValues: f.query.map { ($0.name, $0.value) }))
        #expect(again == f)
    }

    @Test(
        "a value that cannot be a filter is refused with a code naming its parameter",
        arguments: [
            ("from", "yesterday", "filter.invalidFrom"), ("from", "2025-02-30", "filter.invalidFrom"),
            ("to", "2025-03-01T25:00:00Z", "filter.invalidTo"), ("to", "2025-03-01T10:00Z", "filter.invalidTo"),
            ("store", "", "filter.invalidStore"), ("channel", "shop", "filter.invalidChannel"),
            ("category", " kitchen", "filter.invalidCategory"), ("reason", "broken", "filter.invalidReason"),
            ("vendor", "A\u{0}B", "filter.invalidVendor"),
        ])
    func refusals(name: String, value: String, code: String) {
        #expect(throws: DomainError.self) { try Self.parse([name: value]) }
        do {
            _ = try Self.parse([name: value])
        } catch {
            #expect(error.code == code)
            #expect(error.values["parameter"] == name)
        }
    }

    @Test("a period that ends before it starts is refused")
    func backwardsPeriod() {
        do {
            _ = try Self.parse(["from": "2025-03-02", "to": "2025-03-01"])
            Issue.record("accepted")
        } catch { #expect(error.code == "filter.invalidPeriod") }
    }

    @Test("the period keeps sales by when they were sold and returns by when they were requested")
    func period() {
        let march = AnalyticsFilter(from: F.day(2025, 3, 1), to: Instant(millis: F.day(2025, 4, 1).millis - 1))
        let input = march.apply(to: F.main)
        #expect(input.sales.map(\.id) == ["S1", "S2"])
        #expect(input.returns.map(\.request.id) == ["R1", "R2", "R3"])
        #expect(input.stock == F.main.stock, "stock has no date")
        #expect(AnalyticsFilter().apply(to: F.main) == F.main)
    }

    @Test("a store keeps its sales and the returns it sold or took in; a channel, its stores'")
    func storeAndChannel() {
        let b = AnalyticsFilter(store: "B").apply(to: F.main)
        #expect(b.sales.map(\.id) == ["S2"])
        // R2 was sold at A and taken in at B: it is B's too.
        #expect(b.returns.map(\.request.id) == ["R2", "R3"])
        #expect(b.stock.isEmpty && b.reorderPoints.map(\.sku) == [F.toaster])
        let online = AnalyticsFilter(channel: .online).apply(to: F.main)
        #expect(online.sales.map(\.id) == ["S3"] && online.returns.map(\.request.id) == ["R4"])
    }

    @Test("a category keeps its lines; a return keeping some lines keeps that part of its refund")
    func categoryLines() {
        var input = F.main
        // R1 with a phone line too: 2 kettles at 50.00 and 1 phone at 1000.00, 1100.00 refunded.
        input.returns[0].request.lines.append(F.returnLine(2, saleLine: 2, F.phone, 1))
        input.returns[0].refundedAmount = F.eur(110_000)
        let kitchen = AnalyticsFilter(category: "kitchen").apply(to: input)
        #expect(kitchen.sales.map { $0.lines.map(\.sku) } == [[F.kettle], [F.kettle], [F.toaster]])
        let r1 = kitchen.returns.first { $0.request.id == "R1" }
        #expect(r1?.request.lines.map(\.sku) == [F.kettle])
        #expect(r1?.refundedAmount == F.eur(10_000), "10000 of 110000 by value")
        #expect(!kitchen.returns.contains { $0.request.id == "R2" }, "R2 returned only a phone")
        #expect(Set(kitchen.stock.keys.map(\.sku)) == [F.kettle])
        let rates = ReturnAnalytics(kitchen).returnRates(by: .category)
        #expect(rates == [F.row("kitchen", 19, 3, 1_578, 10_000)])
    }

    @Test("a reason keeps its return lines and every sale")
    func reason() {
        let changed = AnalyticsFilter(reason: .changedMind).apply(to: F.main)
        #expect(changed.sales == F.main.sales)
        #expect(changed.returns.map(\.request.id) == ["R2", "R3"])
        #expect(ReturnAnalytics(changed).returnRates(by: .reason) == [F.row("changedMind", 21, 1, 476, 10_000)])
    }

    @Test("a vendor keeps the lines of its products")
    func vendor() {
        var input = F.main
        input.products[F.kettle]?.vendor = "ACME"
        let acme = AnalyticsFilter(vendor: "ACME").apply(to: input)
        #expect(acme.sales.flatMap(\.lines).allSatisfy { $0.sku == F.kettle })
        #expect(acme.returns.map(\.request.id) == ["R1", "R3"])
    }

    @Test("buckets: a UTC day, a week from Monday, a calendar month")
    func buckets() {
        // 2025-03-05 was a Wednesday.
        let wednesday = Instant(millis: F.day(2025, 3, 5).millis + 13 * 3_600_000)
        #expect(AnalyticsBucket.day.key(AnalyticsBucket.day.start(of: wednesday)) == "2025-03-05")
        #expect(AnalyticsBucket.week.key(AnalyticsBucket.week.start(of: wednesday)) == "2025-03-03")
        #expect(AnalyticsBucket.week.key(AnalyticsBucket.week.start(of: F.day(2025, 3, 3))) == "2025-03-03")
        #expect(AnalyticsBucket.week.key(AnalyticsBucket.week.start(of: F.day(2025, 3, 9))) == "2025-03-03")
        #expect(AnalyticsBucket.month.key(AnalyticsBucket.month.start(of: wednesday)) == "2025-03")
        #expect(AnalyticsBucket.month.start(3, before: F.day(2025, 2, 1)) == F.day(2024, 11, 1))
    }

    @Test("a series has every bucket between the first and last, and a point per key that moved")
    func series() {
        let s = ReturnAnalytics(F.main).series(by: .reason, bucket: .month)
        #expect(s.buckets == ["2025-02", "2025-03", "2025-04"])
        #expect(s.totals.map(\.key) == ["defective", "changedMind"])
        let defective = s.points.filter { $0.key == "defective" }
        // Reasons do not split sales: a month's sales count for every reason returned in it.
        #expect(defective.map(\.bucket) == ["2025-03", "2025-04"])
        #expect(defective.map(\.returnedUnits) == [2, 1] && defective.map(\.soldUnits) == [17, 0])
        let byWeek = ReturnAnalytics(F.main).series(by: .store, bucket: .week)
        #expect(byWeek.buckets.first == "2025-02-10" && byWeek.buckets.last == "2025-03-31")
        #expect(byWeek.buckets.count == 8)
    }

    @Test("a spike is marked on the bucket whose rate jumps over the buckets before it")
    func seriesSpike() {
        let world = F.spikeWorld(latestKettleReturns: 20)
        let s = ReturnAnalytics(world).series(by: .sku, bucket: .month)
        let kettle = s.points.filter { $0.key == "KETTLE" }
        #expect(kettle.last?.bucket == "2025-02" && kettle.last?.spike == true, "\(kettle)")
        #expect(kettle.dropLast().allSatisfy { !$0.spike })
        #expect(!s.points.contains { $0.key == "MUG" && $0.spike })
        // The monthly spikes of the report agree.
        #expect(
            ReturnAnalytics(world).spikes(by: .sku, latestPeriod: "2025-02").first { $0.key == "KETTLE" }?.flagged
                == true)
    }

    @Test("supplier quality: returns, faults per unit sold, and what went back to the vendor")
    func suppliers() {
        var input = F.main
        input.products[F.kettle]?.vendor = "ACME"
        input.products[F.toaster]?.vendor = "ACME"
        input.products[F.phone]?.vendor = "PHONECO"
        input.returns[3].dispositions = [
            LineDisposition(line: 1, quantity: 1, disposition: .returnToVendor(vendor: "ACME", rma: "RMA-1"))
        ]
        let rows = ReturnAnalytics(input).supplierQuality()
        #expect(
            rows == [
                // ACME sold 19 (15 kettles, 4 toasters); R1 (2 defective) and R4 (1 defective) came back.
                SupplierQualityRow(
                    vendor: "ACME", soldUnits: 19, returnedUnits: 3, returnRateBasisPoints: 1_578, defectUnits: 3,
                    defectRateBasisPoints: 1_578, returnedToVendorUnits: 1, returnedToVendorValue: [F.eur(2_000)]),
                // PHONECO's one return was a change of mind: no fault.
                SupplierQualityRow(
                    vendor: "PHONECO", soldUnits: 2, returnedUnits: 1, returnRateBasisPoints: 5_000, defectUnits: 0,
                    defectRateBasisPoints: 0, returnedToVendorUnits: 0, returnedToVendorValue: []),
            ])
    }

    @Test("the stock pivot: SKU × store with names and the totals of rows and columns")
    func pivot() {
        var stock = F.mainStock
        stock[StockKey(store: F.storeB, location: .sellable, sku: F.kettle)] = 4
        stock[StockKey(store: F.storeB, location: .scrap, sku: F.toaster)] = 0
        let all = StockPivot(stock: stock, products: F.products, stores: F.stores)
        #expect(all.columns.map(\.store) == ["A", "B"] && all.columns.map(\.name) == ["Branch A", "Branch B"])
        #expect(all.rows.map(\.sku) == [F.kettle, F.phone] && all.rows.map(\.name) == ["Kettle", "Phone"])
        #expect(all.rows.map(\.quantities) == [[13, 4], [5, 0]] && all.rows.map(\.total) == [17, 5])
        #expect(all.columns.map(\.total) == [18, 4] && all.total == 22)
        let sellable = StockPivot(stock: stock, location: .sellable, products: F.products, stores: F.stores)
        #expect(sellable.rows.map(\.quantities) == [[3, 4], [5, 0]] && sellable.total == 12)
    }

    @Test("a SKU's drill-down: its stock by store, its rate, why it comes back, its returns")
    func skuDrillDown() {
        let d = ReturnAnalytics(F.main).drillDown(sku: F.kettle)
        #expect(d.product?.name == "Kettle")
        #expect(d.stock.map(\.store) == ["A"] && d.stock.first?.total == 13)
        #expect(d.stock.first?.locations == ["sellable": 3, "pendingInspection": 10])
        #expect(d.soldUnits == 15 && d.returnedUnits == 2 && d.rateBasisPoints == 1_333)
        #expect(d.reasons.map(\.key) == ["defective"])
        #expect(d.returns.map(\.id) == ["R3", "R1"] && d.returnCount == 2 && d.returns.first?.rejected == true)
        #expect(d.stores.map(\.key) == ["A", "B"])
    }

    @Test("a store's drill-down: its rate, its intake, its reasons, its stock and returns")
    func storeDrillDown() {
        let b = ReturnAnalytics(F.main).drillDown(store: F.storeB)
        #expect(b.store?.name == "Branch B" && b.soldUnits == 5 && b.returnedUnits == 0 && b.takenInUnits == 1)
        #expect(b.reasons.map(\.key) == ["changedMind"])
        #expect(b.returns.map(\.id) == ["R3", "R2"] && b.stock.isEmpty)
        let a = ReturnAnalytics(F.main).drillDown(store: F.storeA)
        #expect(a.topReturned.map(\.sku) == [F.kettle, F.phone])
        #expect(a.stock.map(\.sku) == [F.kettle, F.phone] && a.stock.map(\.total) == [13, 5])
    }
}
