// kis-server from Kotlin (hand-written; #19): the same typed KisApi over HTTPS instead
// of an embedded engine, and the phone replica's sync carried to the server. The user
// acting is the token's, decided by the server; errors arrive as problem+json and are
// raised as the same KisException an embedded engine throws (one mapping, in kis-ffi).
package org.kis.api

import org.kis.raiseProblem
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import kotlinx.coroutines.future.await

/**
 * A connection to kis-server at [baseUrl] (`https://kis.example.com`) acting with one
 * credential: a kis API token or an identity provider's JWT.
 */
class KisHttp(
    val baseUrl: String,
    private val token: String,
    private val client: HttpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
    private val timeout: Duration = Duration.ofSeconds(60),
) {
    private fun request(path: String): HttpRequest.Builder =
        HttpRequest.newBuilder(URI.create(baseUrl.trimEnd('/') + path))
            .timeout(timeout)
            .header("Authorization", "Bearer $token")

    private fun <T> send(request: HttpRequest, body: HttpResponse.BodyHandler<T>, text: (T) -> String): T {
        val response = client.send(request, body)
        if (response.statusCode() / 100 != 2) {
            raiseProblem(response.statusCode().toUShort(), text(response.body()))
            error("raiseProblem returned")
        }
        return response.body()
    }

    /** `send` without blocking: the coroutine suspends while the HTTP client waits. */
    private suspend fun <T> sendAsync(request: HttpRequest, body: HttpResponse.BodyHandler<T>, text: (T) -> String): T {
        val response = client.sendAsync(request, body).await()
        if (response.statusCode() / 100 != 2) {
            raiseProblem(response.statusCode().toUShort(), text(response.body()))
            error("raiseProblem returned")
        }
        return response.body()
    }

    private fun entryRequest(entry: String, json: String, idempotencyKey: String?): HttpRequest {
        val r = request("/v1/$entry")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
        if (idempotencyKey != null) r.header("Idempotency-Key", idempotencyKey)
        return r.build()
    }

    private fun post(entry: String, json: String, idempotencyKey: String?): String =
        send(entryRequest(entry, json, idempotencyKey), HttpResponse.BodyHandlers.ofString()) { it }

    @Volatile private var knownUser: String? = null

    /** The user this credential acts as (asked once). */
    val user: String
        get() = knownUser ?: ((Json.read(post("me", "{}", null)) as Map<*, *>)["id"] as String).also { knownUser = it }

    /**
     * The wire for [KisApi]. Every method of KisApi names its actor; over HTTP the
     * server takes the actor from the credential, so a call naming anyone else is
     * refused here rather than silently run as the token's user.
     */
    val wire: Wire = Wire { entry, actor, request, key ->
        require(actor == user) { "this KisHttp acts as $user (its credential), not as $actor" }
        post(entry, request, key)
    }

    /** The typed API over this connection. */
    val api: KisApi get() = KisApi(wire)

    /**
     * The typed API for coroutines over this connection (#20): KisApi's methods as
     * `suspend fun`, on the HTTP client's own threads, so `Dispatchers.Main` never waits.
     */
    val suspendApi: KisSuspendApi
        get() = KisSuspendApi { entry, actor, request, key ->
            val me = userAsync()
            require(actor == me) { "this KisHttp acts as $me (its credential), not as $actor" }
            sendAsync(entryRequest(entry, request, key), HttpResponse.BodyHandlers.ofString()) { it }
        }

    /** [user] without blocking the caller. */
    suspend fun userAsync(): String = knownUser
        ?: ((Json.read(sendAsync(entryRequest("me", "{}", null), HttpResponse.BodyHandlers.ofString()) { it }) as Map<*, *>)["id"] as String)
            .also { knownUser = it }

    /** `snapshot` without blocking the caller. */
    suspend fun snapshotAsync(): ByteArray =
        sendAsync(request("/v1/sync/snapshot").GET().build(), HttpResponse.BodyHandlers.ofByteArray()) { String(it) }

    /** `sync` without blocking the caller: a replica's `push()`; the reply, for `receiveAsync`. */
    suspend fun syncAsync(push: ByteArray): ByteArray =
        sendAsync(
            request("/v1/sync").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(push)).build(),
            HttpResponse.BodyHandlers.ofByteArray(),
        ) { String(it) }

    /** A snapshot to seed this user's phone replica (`KisReplica.seed`). */
    fun snapshot(): ByteArray =
        send(request("/v1/sync/snapshot").GET().build(), HttpResponse.BodyHandlers.ofByteArray()) { String(it) }

    /** Sends a replica's `push()`; the reply, for `receive`. */
    fun sync(push: ByteArray): ByteArray =
        send(
            request("/v1/sync").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(push)).build(),
            HttpResponse.BodyHandlers.ofByteArray(),
        ) { String(it) }

    /** A change-feed batch after [after], waiting up to [waitSeconds] for the first event. */
    fun changes(after: Long, limit: Int = 100, waitSeconds: Int = 0): ChangeBatch {
        val body = send(request("/v1/changes?after=$after&limit=$limit&wait=$waitSeconds").GET().build(),
            HttpResponse.BodyHandlers.ofString()) { it }
        return ChangeBatch.fromJson(Json.read(body))
    }
}
