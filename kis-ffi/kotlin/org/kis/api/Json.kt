// The one conversion layer between Kotlin values and the API's JSON (hand-written; the
// records and KisApi's methods around it are generated in Api.kt from the declaration).
// BigDecimal travels as its exact text, dates and instants as ISO 8601, records as
// objects. Nothing here checks a value: kis-core does, once, and names the field.
package org.kis.api

import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate

/** A JSON number, kept as its text so that it is never read through a double. */
data class JsonNumber(val text: String)

/** A record of the API: its JSON object, with kis-core's field names. */
interface JsonRecord {
    fun toJson(): Map<String, Any?>
}

object Json {
    /** Parses JSON text into maps, lists, strings, [JsonNumber]s, booleans and null. */
    fun read(text: String): Any? = Reader(text).document()

    /** JSON text of maps, lists, strings, numbers, booleans and null. */
    fun write(v: Any?): String = StringBuilder().also { put(it, v) }.toString()

    /** A Kotlin value as JSON data (records, decimals, dates, collections). */
    fun enc(v: Any?): Any? = when (v) {
        null, is Boolean, is String, is JsonNumber -> v
        is BigDecimal -> v.toPlainString()
        is Long, is Int, is Short, is Byte -> JsonNumber(v.toString())
        // A Double reaches kis-core as a JSON number with a fraction, which it refuses.
        is Double, is Float -> JsonNumber(v.toString())
        is LocalDate, is Instant -> v.toString()
        is JsonRecord -> v.toJson().filterValues { it != null }.mapValues { enc(it.value) }
        is Map<*, *> -> v.entries.filter { it.value != null }.associate { it.key.toString() to enc(it.value) }
        is Iterable<*> -> v.map { enc(it) }
        else -> v.toString()
    }

    fun text(v: Any?): String = when (v) {
        is JsonNumber -> v.text
        is String -> v
        else -> throw IllegalArgumentException("expected a number or a string, got $v")
    }

    fun dec(v: Any?): BigDecimal = BigDecimal(text(v))
    fun long(v: Any?): Long = text(v).toLong()
    fun str(v: Any?): String = v as String
    fun bool(v: Any?): Boolean = v as Boolean
    fun date(v: Any?): LocalDate = LocalDate.parse(v as String)
    fun instant(v: Any?): Instant = Instant.parse(v as String)
    fun list(v: Any?): List<*> = v as List<*>
    fun obj(v: Any?): Map<*, *> = v as Map<*, *>

    private fun put(b: StringBuilder, v: Any?) {
        when (v) {
            null -> b.append("null")
            is Boolean -> b.append(v)
            is JsonNumber -> b.append(v.text)
            is String -> {
                b.append('"')
                for (c in v) {
                    when {
                        c == '"' -> b.append("\\\"")
                        c == '\\' -> b.append("\\\\")
                        c == '\n' -> b.append("\\n")
                        c == '\r' -> b.append("\\r")
                        c == '\t' -> b.append("\\t")
                        c < ' ' -> b.append("\\u%04x".format(c.code))
                        else -> b.append(c)
                    }
                }
                b.append('"')
            }
            is Map<*, *> -> {
                b.append('{')
                var first = true
                for ((k, x) in v) {
                    if (!first) b.append(',')
                    first = false
                    put(b, k.toString())
                    b.append(':')
                    put(b, x)
                }
                b.append('}')
            }
            is Iterable<*> -> {
                b.append('[')
                var first = true
                for (x in v) {
                    if (!first) b.append(',')
                    first = false
                    put(b, x)
                }
                b.append(']')
            }
            else -> put(b, enc(v))
        }
    }

    private class Reader(private val s: String) {
        private var i = 0

        fun document(): Any? {
            val v = value()
            space()
            require(i == s.length) { "trailing text at $i" }
            return v
        }

        private fun space() {
            while (i < s.length && s[i].isWhitespace()) i++
        }

        private fun value(): Any? {
            space()
            return when (val c = s[i]) {
                '{' -> obj()
                '[' -> arr()
                '"' -> str()
                't' -> { i += 4; true }
                'f' -> { i += 5; false }
                'n' -> { i += 4; null }
                else -> {
                    val start = i
                    while (i < s.length && (s[i].isDigit() || s[i] in "+-.eE")) i++
                    require(i > start) { "unexpected '$c' at $start" }
                    JsonNumber(s.substring(start, i))
                }
            }
        }

        private fun obj(): Map<String, Any?> {
            val out = LinkedHashMap<String, Any?>()
            i++
            space()
            if (s[i] == '}') { i++; return out }
            while (true) {
                space()
                val k = str()
                space()
                require(s[i] == ':') { "expected : at $i" }
                i++
                out[k] = value()
                space()
                if (s[i] == ',') { i++; continue }
                require(s[i] == '}') { "expected } at $i" }
                i++
                return out
            }
        }

        private fun arr(): List<Any?> {
            val out = ArrayList<Any?>()
            i++
            space()
            if (s[i] == ']') { i++; return out }
            while (true) {
                out.add(value())
                space()
                if (s[i] == ',') { i++; continue }
                require(s[i] == ']') { "expected ] at $i" }
                i++
                return out
            }
        }

        private fun str(): String {
            require(s[i] == '"') { "expected a string at $i" }
            i++
            val b = StringBuilder()
            while (s[i] != '"') {
                if (s[i] == '\\') {
                    i++
                    when (s[i]) {
                        'n' -> b.append('\n')
                        't' -> b.append('\t')
                        'r' -> b.append('\r')
                        'b' -> b.append('\b')
                        'f' -> b.append('\u000c')
                        'u' -> { b.append(s.substring(i + 1, i + 5).toInt(16).toChar()); i += 4 }
                        else -> b.append(s[i])
                    }
                } else {
                    b.append(s[i])
                }
                i++
            }
            i++
            return b.toString()
        }
    }
}
