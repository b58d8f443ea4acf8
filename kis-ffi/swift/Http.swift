// kis-server from Swift (hand-written; #19): the same typed KisApi over HTTPS instead of
// an embedded engine, and a phone replica's sync carried to the server. The user acting
// is the token's, decided by the server; errors arrive as problem+json and are thrown as
// the same KisError an embedded engine throws (one mapping, in kis-ffi: raiseProblem).
// `api` blocks until answered, like KisEngine's `call`; `asyncApi`, `snapshotAsync` and
// `syncAsync` are the same over URLSession's async API, for the main actor (#20).

import Foundation

public final class KisHttp {
    /// The server (`https://kis.example.com`).
    public let baseUrl: URL
    private let token: String
    private let session: URLSession
    private var knownUser: String?

    /// A connection acting with `token`: a kis API token or an identity provider's JWT.
    public init(baseUrl: URL, token: String, session: URLSession = .shared) {
        self.baseUrl = baseUrl
        self.token = token
        self.session = session
    }

    private func send(_ path: String, method: String, body: Data?, contentType: String?, idempotencyKey: String? = nil) throws -> Data {
        let request = self.request(path, method: method, body: body, contentType: contentType, idempotencyKey: idempotencyKey)
        let done = DispatchSemaphore(value: 0)
        var answer: (Data?, URLResponse?, Error?) = (nil, nil, nil)
        session.dataTask(with: request) { data, response, error in
            answer = (data, response, error)
            done.signal()
        }.resume()
        done.wait()
        if let error = answer.2 { throw error }
        let status = (answer.1 as? HTTPURLResponse)?.statusCode ?? 0
        let data = answer.0 ?? Data()
        if status / 100 != 2 {
            try raiseProblem(status: UInt16(clamping: status), body: String(decoding: data, as: UTF8.self))
            throw JsonError("raiseProblem returned for HTTP \(status)")
        }
        return data
    }

    private func post(_ entry: String, _ json: String, _ idempotencyKey: String?) throws -> String {
        let data = try send("v1/\(entry)", method: "POST", body: Data(json.utf8), contentType: "application/json",
                            idempotencyKey: idempotencyKey)
        return String(decoding: data, as: UTF8.self)
    }

    /// The user this credential acts as (asked once).
    public func user() throws -> String {
        if let user = knownUser { return user }
        guard let me = try Json.read(try post("me", "{}", nil)) as? [String: Any], let id = me["id"] as? String else {
            throw JsonError("`me` did not answer a user")
        }
        knownUser = id
        return id
    }

    /// The typed API over this connection. Every method names its actor; the server
    /// takes the actor from the credential, so a call naming anyone else is refused
    /// here rather than silently run as the token's user.
    public var api: KisApi {
        KisApi(wire: { [self] entry, actor, request, key in
            let user = try self.user()
            guard actor == user else { throw JsonError("this KisHttp acts as \(user) (its credential), not as \(actor)") }
            return try self.post(entry, request, key)
        })
    }

    /// A snapshot to seed this user's phone replica (`KisReplica.seed`).
    public func snapshot() throws -> Data {
        try send("v1/sync/snapshot", method: "GET", body: nil, contentType: nil)
    }

    /// Sends a replica's `push()`; the reply, for `receive`.
    public func sync(push: Data) throws -> Data {
        try send("v1/sync", method: "POST", body: push, contentType: "application/octet-stream")
    }

    private func request(_ path: String, method: String, body: Data?, contentType: String?, idempotencyKey: String?) -> URLRequest {
        var request = URLRequest(url: baseUrl.appendingPathComponent(path))
        request.httpMethod = method
        request.timeoutInterval = 60
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let type = contentType { request.setValue(type, forHTTPHeaderField: "Content-Type") }
        if let key = idempotencyKey { request.setValue(key, forHTTPHeaderField: "Idempotency-Key") }
        request.httpBody = body
        return request
    }

    /// `send` without blocking: the task suspends while URLSession waits.
    private func sendAsync(_ path: String, method: String, body: Data?, contentType: String?, idempotencyKey: String? = nil) async throws -> Data {
        let asked = request(path, method: method, body: body, contentType: contentType, idempotencyKey: idempotencyKey)
        let (data, response) = try await session.data(for: asked)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        if status / 100 != 2 {
            try raiseProblem(status: UInt16(clamping: status), body: String(decoding: data, as: UTF8.self))
            throw JsonError("raiseProblem returned for HTTP \(status)")
        }
        return data
    }

    /// `user()` without blocking the caller.
    public func userAsync() async throws -> String {
        if let user = knownUser { return user }
        let data = try await sendAsync("v1/me", method: "POST", body: Data("{}".utf8), contentType: "application/json")
        guard let me = try Json.read(String(decoding: data, as: UTF8.self)) as? [String: Any], let id = me["id"] as? String else {
            throw JsonError("`me` did not answer a user")
        }
        knownUser = id
        return id
    }

    /// The typed API over this connection for Swift concurrency (`api`'s methods, `async`).
    public var asyncApi: KisAsyncApi {
        KisAsyncApi(wire: { [self] entry, actor, request, key in
            let user = try await self.userAsync()
            guard actor == user else { throw JsonError("this KisHttp acts as \(user) (its credential), not as \(actor)") }
            let data = try await self.sendAsync("v1/\(entry)", method: "POST", body: Data(request.utf8),
                                                contentType: "application/json", idempotencyKey: key)
            return String(decoding: data, as: UTF8.self)
        })
    }

    /// `snapshot` without blocking the caller.
    public func snapshotAsync() async throws -> Data {
        try await sendAsync("v1/sync/snapshot", method: "GET", body: nil, contentType: nil)
    }

    /// `sync` without blocking the caller: a replica's `push()`; the reply, for `receiveAsync`.
    public func syncAsync(push: Data) async throws -> Data {
        try await sendAsync("v1/sync", method: "POST", body: push, contentType: "application/octet-stream")
    }
}
