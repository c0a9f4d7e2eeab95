import Foundation

/// An event as the store holds it.
public struct EncodedEvent: Hashable, Sendable {
    public var eventType: String
    public var schemaVersion: Int
    /// JSON, keys sorted, decimals as strings, timestamps RFC 3339 UTC with microseconds.
    public var payload: Data

    public init(eventType: String, schemaVersion: Int, payload: Data) {
        self.eventType = eventType
        self.schemaVersion = schemaVersion
        self.payload = payload
    }
}

/// The one codec between domain events and stored `(event_type, schema_version, payload)`.
///
/// Decoding looks the wire name up in a dictionary and decodes the payload type directly; only an
/// older schema version goes through the upcaster chain (JSON → `JSONValue` → upcast → decode). The
/// two most frequent event types are read by `HotEventDecoder` first, which falls back to `JSONDecoder`.
/// Safe to share between threads: the encoder and decoder are configured once and never mutated.
public struct EventCodec: Sendable {
    private let encoder: JSONEncoder
    private let decoder: JSONDecoder
    private let hotPath: Bool

    /// Whether hand-written readers may be used (`HotEventDecoder`; replays also read `DecisionGlimpse`s).
    public var hotPathEnabled: Bool { hotPath }

    /// `hotPath: false` decodes every payload with `JSONDecoder` (tests compare the two ways).
    public init(hotPath: Bool = true) {
        self.hotPath = hotPath
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(RFC3339.format(date))
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let text = try c.decode(String.self)
            guard let date = RFC3339.parse(text) else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "not RFC 3339: \(text)") }
            return date
        }
        self.encoder = encoder
        self.decoder = decoder
    }

    /// Every event type the ledger knows, with its current version.
    public static var catalogue: [EventTypeInfo] { EventCatalogue.registrations.map(\.info) }

    /// The catalogue entry of a wire name, without decoding anything: a projection can skip the
    /// event types it does not consume before paying for JSON decoding.
    public static func info(for eventType: String) -> EventTypeInfo? { EventCatalogue.byType[eventType]?.info }

    // MARK: Encoding

    public func encode(_ event: LedgerEvent) throws(EventCodecError) -> EncodedEvent {
        let payload = event.payload
        let type = Swift.type(of: payload)
        guard let registration = EventCatalogue.byType[type.eventType], registration.info.schemaVersion == type.schemaVersion else {
            throw .unregisteredEventType(type.eventType)
        }
        do {
            return EncodedEvent(eventType: type.eventType, schemaVersion: type.schemaVersion, payload: try encoder.encode(payload))
        } catch {
            throw .encodingFailed(eventType: type.eventType, detail: String(describing: error))
        }
    }

    public func encode(_ event: some LedgerEventConvertible) throws(EventCodecError) -> EncodedEvent {
        try encode(event.ledgerEvent)
    }

    /// Encodes any Codable value with the codec's conventions (for metadata, and for tests).
    public func encodeValue(_ value: some Encodable) throws -> Data { try encoder.encode(value) }
    public func decodeValue<T: Decodable>(_ type: T.Type, from data: Data) throws -> T { try decoder.decode(type, from: data) }

    // MARK: Decoding

    public func decode(eventType: String, schemaVersion: Int, payload: Data) throws(EventCodecError) -> LedgerEvent {
        guard let registration = EventCatalogue.byType[eventType] else { throw .unknownEventType(eventType) }
        let current = registration.info.schemaVersion
        if hotPath, schemaVersion == current, let event = HotEventDecoder.decode(eventType: eventType, payload: payload) { return event }
        var data = payload
        if schemaVersion != current {
            guard schemaVersion < current, schemaVersion >= 1 else {
                throw .unsupportedSchemaVersion(eventType: eventType, version: schemaVersion, current: current)
            }
            data = try upcast(payload, registration, from: schemaVersion)
        }
        do {
            return try registration.decode(decoder, data)
        } catch {
            throw .malformedPayload(eventType: eventType, version: schemaVersion, detail: String(describing: error))
        }
    }

    /// Decodes an event that must belong to one aggregate, e.g. when loading an order stream.
    public func decode<E: LedgerEventConvertible>(
        _ type: E.Type, eventType: String, schemaVersion: Int, payload: Data
    ) throws(EventCodecError) -> E {
        let event = try decode(eventType: eventType, schemaVersion: schemaVersion, payload: payload)
        guard let typed = E(event) else { throw .unexpectedCategory(eventType: eventType, expected: String(reflecting: E.self)) }
        return typed
    }

    /// What the hot-path reader alone makes of a current-version payload: nil when the type is not one it
    /// reads, or when it leaves the payload to `JSONDecoder`. For tests and benchmarks.
    public static func hotPathDecode(eventType: String, payload: Data) -> LedgerEvent? {
        HotEventDecoder.decode(eventType: eventType, payload: payload)
    }

    public static func isHotPath(_ eventType: String) -> Bool { HotEventDecoder.isHot(eventType) }

    public func decode(_ encoded: EncodedEvent) throws(EventCodecError) -> LedgerEvent {
        try decode(eventType: encoded.eventType, schemaVersion: encoded.schemaVersion, payload: encoded.payload)
    }

    private func upcast(_ payload: Data, _ registration: EventCatalogue.Registration, from version: Int) throws(EventCodecError) -> Data {
        let eventType = registration.info.eventType
        var value: JSONValue
        do {
            value = try decoder.decode(JSONValue.self, from: payload)
        } catch {
            throw .malformedPayload(eventType: eventType, version: version, detail: String(describing: error))
        }
        var v = version
        while v < registration.info.schemaVersion {
            guard let upcaster = registration.upcasters[v] else {
                throw .unsupportedSchemaVersion(eventType: eventType, version: version, current: registration.info.schemaVersion)
            }
            do {
                value = try upcaster.transform(value)
            } catch {
                throw .upcastFailed(eventType: eventType, fromVersion: v, detail: String(describing: error))
            }
            v += 1
        }
        do {
            return try encoder.encode(value)
        } catch {
            throw .upcastFailed(eventType: eventType, fromVersion: version, detail: String(describing: error))
        }
    }
}
