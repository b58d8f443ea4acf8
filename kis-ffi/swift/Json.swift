// The one conversion layer between Swift values and the API's JSON (hand-written; the
// records and KisApi's methods around it are generated in KisApi.swift from the
// declaration). Decimals travel as their exact text, dates and instants as ISO 8601,
// records as objects. Nothing here checks a value: kis-core does, once, and names the
// field.

import Foundation

/// A calendar date (a business day, a due date), with no time of day and no time zone:
/// kis decides "today" in the company's zone, and a date never moves to another day
/// because of the phone's zone.
public struct Day: Hashable, Comparable, CustomStringConvertible {
    /// The year (e.g. 2026).
    public let year: Int
    /// The month, 1 to 12.
    public let month: Int
    /// The day of the month, 1 to 31.
    public let day: Int

    /// The date year-month-day (not checked here: kis-core refuses a date that does not exist).
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date of ISO 8601 text such as "2026-11-27", or nil.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The day on which `instant` falls in `timeZone` (the phone's, or the company's).
    public init(_ instant: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        self.init(year: c.year ?? 0, month: c.month ?? 0, day: c.day ?? 0)
    }

    /// ISO 8601 text, "2026-11-27".
    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (a: Day, b: Day) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

/// A record of the API: its JSON object, with kis-core's field names.
public protocol JsonRecord {
    /// Its JSON object.
    func toJson() -> [String: Any]
}

/// An answer of kis that is not the JSON its type declares (a bug in kis, never bad
/// input: kis-core refuses that with a `KisError`).
public struct JsonError: Error, CustomStringConvertible {
    /// What was wrong.
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Reading and writing the API's JSON.
public enum Json {
    /// Parses JSON text into dictionaries, arrays, strings, numbers, booleans and NSNull.
    public static func read(_ text: String) throws -> Any? {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    /// JSON text of JSON data.
    public static func write(_ value: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    /// A Swift value as JSON data (records, decimals, days, instants, collections).
    public static func enc(_ value: Any?) -> Any {
        switch value {
        case nil:
            return NSNull()
        case let r as JsonRecord:
            return r.toJson()
        case let d as Decimal:
            return decimalText(d)
        case let day as Day:
            return day.description
        case let instant as Date:
            return instantFormatter.string(from: instant)
        case let i as Int64:
            return NSNumber(value: i)
        case let i as Int:
            return NSNumber(value: i)
        case let a as [Any]:
            return a.map { enc($0) }
        case let m as [String: Any]:
            return m.mapValues { enc($0) }
        case let v?:
            return v
        }
    }

    /// nil for an absent value or JSON null.
    public static func opt(_ value: Any?) -> Any? {
        value is NSNull ? nil : value
    }

    static func str(_ v: Any?) throws -> String {
        guard let s = v as? String else { throw JsonError("expected a string, got \(String(describing: v))") }
        return s
    }

    static func int(_ v: Any?) throws -> Int64 {
        if let n = v as? NSNumber, CFGetTypeID(n) != CFBooleanGetTypeID(), n.stringValue == String(n.int64Value) {
            return n.int64Value
        }
        if let s = v as? String, let i = Int64(s) { return i }
        throw JsonError("expected an integer, got \(String(describing: v))")
    }

    static func bool(_ v: Any?) throws -> Bool {
        guard let n = v as? NSNumber, CFGetTypeID(n) == CFBooleanGetTypeID() else {
            throw JsonError("expected a boolean, got \(String(describing: v))")
        }
        return n.boolValue
    }

    /// A decimal from its exact text (kis sends decimals as strings, never as floats).
    static func dec(_ v: Any?) throws -> Decimal {
        let text: String
        if let s = v as? String {
            text = s
        } else if let n = v as? NSNumber, CFGetTypeID(n) != CFBooleanGetTypeID() {
            text = n.stringValue
        } else {
            throw JsonError("expected a decimal, got \(String(describing: v))")
        }
        guard let d = Decimal(string: text, locale: posix) else { throw JsonError("not a decimal: \(text)") }
        return d
    }

    static func day(_ v: Any?) throws -> Day {
        guard let d = Day(iso: try str(v)) else { throw JsonError("not a date: \(String(describing: v))") }
        return d
    }

    static func instant(_ v: Any?) throws -> Date {
        let text = try str(v)
        if let d = instantFormatter.date(from: text) ?? wholeSecondFormatter.date(from: text) { return d }
        throw JsonError("not an instant: \(text)")
    }

    static func list(_ v: Any?) throws -> [Any] {
        guard let a = v as? [Any] else { throw JsonError("expected an array, got \(String(describing: v))") }
        return a
    }

    static func tuple(_ v: Any?, _ count: Int) throws -> [Any] {
        let a = try list(v)
        guard a.count == count else { throw JsonError("expected \(count) items, got \(a.count)") }
        return a
    }

    static func obj(_ v: Any?) throws -> [String: Any] {
        guard let m = v as? [String: Any] else { throw JsonError("expected an object, got \(String(describing: v))") }
        return m
    }

    /// A decimal's plain text ("0.00000001", never "1E-8"): what kis-core reads exactly.
    static func decimalText(_ d: Decimal) -> String {
        NSDecimalNumber(decimal: d).description(withLocale: posix)
    }

    private static let posix = Locale(identifier: "en_US_POSIX")

    private static let instantFormatter: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()

    private static let wholeSecondFormatter: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f
    }()
}
