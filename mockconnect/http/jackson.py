"""Jackson's JSON tokenizer as Kafka's REST layer meets it: pulled token by token, failing with
Jackson's own texts at Jackson's own locations (byte columns for UTF-8 bodies, char columns for
UTF-16 and UTF-32 ones, which Jackson detects from the first bytes), in the dialect of the Jackson
release the Kafka release ships (:class:`Dialect`: 2.13, 2.16, 2.18, 2.19, 2.21.6, 2.21.7)."""

from __future__ import annotations

import re
import unicodedata

from mockconnect.release import Release
from mockconnect.worker.errors import ConnectError

SOURCE = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: {line}, column: {column}]"
"""Jackson 2.16's location text; :class:`Source` words the others."""
VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
MAX_DEPTH = 1000
MAX_NUMBER_LENGTH = 1000
"""StreamReadConstraints' default limits."""
_MAX_ERROR_TOKEN = 256
_IDENTIFIER_START = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nl", "Sc", "Pc"})
_IDENTIFIER_PART = _IDENTIFIER_START | {"Nd", "Mn", "Mc", "Cf"}
_ESCAPES = {ord("b"): 8, ord("t"): 9, ord("n"): 10, ord("f"): 12, ord("r"): 13, 34: 34, 47: 47, 92: 92}
_DIGITS = range(48, 58)
_PLAIN = re.compile(rb'[^"\\\x00-\x1f\x80-\xff]+')
_SPACE, _TAB, _LF, _CR = 32, 9, 10, 13
_QUOTE, _COMMA, _SLASH, _HASH, _MINUS, _PLUS, _PERIOD = 34, 44, 47, 35, 45, 43, 46


class Dialect:
    """What differs between the Jackson versions Kafka ships: 2.13 (3.6), 2.16 (3.7-3.9), 2.18 (4.0),
    2.19 (4.1) and 2.21 (4.2 on).

    2.16 redacts the source in locations (``INCLUDE_SOURCE_IN_LOCATION`` is off by default), prints no
    column at the root, names features as ``JsonReadFeature``s and fails on trailing tokens. 2.13 names
    the source's class (and quotes up to 500 bytes of a ``byte[]`` source), prints every column, reads
    a leading plus sign as a bad number start and stops reading after the root value. The later ones
    differ in single texts and locations, each named by the property that asks for it.
    """

    __slots__ = ("description", "legacy", "version")

    def __init__(
        self, description: str | None = None, *, legacy: bool = False, version: tuple[int, ...] = (2, 16)
    ) -> None:
        self.description = description
        self.legacy = legacy
        self.version = version

    @property
    def char_locations(self) -> bool:
        """2.17 on (Kafka 4.x): an error about the character just read is located at it, one column lower."""
        return self.version >= (2, 17)

    @property
    def extra_end_marker(self) -> bool:
        """2.19 on: a close marker at the root is "no open Array to close", not a mismatch with the root."""
        return self.version >= (2, 19)

    @property
    def token_start_errors(self) -> bool:
        """2.21 on: an unrecognized token is located where it starts, not where reading it stopped
        (counted back in chars from where its first part was read, so bytes of a multi-byte
        character in that part shift it right)."""
        return self.version >= (2, 21)

    @property
    def decodes_utf8_values(self) -> bool:
        """2.21.7 on: a non-ASCII byte where a value starts, or right after a literal, is decoded as
        UTF-8 before it is judged (before, the value start was judged as a Latin-1 char)."""
        return self.version >= (2, 21, 7)

    @property
    def known_properties_bracket(self) -> str:
        """What closes the list of known properties in an unknown-property text: ``])``, or ``)`` from 2.21."""
        return ")" if self.version >= (2, 21) else "])"

    @classmethod
    def of_bytes(cls, raw: bytes) -> Dialect:
        """2.13 reading a ``byte[]``: ContentReference.appendSourceDescription shows its first 500 bytes
        as UTF-8, ISO control characters but CR and LF escaped, then how many bytes were left out."""
        shown = "".join(
            f"\\u{ord(ch):04X}" if _iso_control(ch) and ch not in "\r\n" else ch
            for ch in raw[:_SNIPPET].decode("utf-8", "replace")
        )
        left = f"[truncated {len(raw) - _SNIPPET} bytes]" if len(raw) > _SNIPPET else ""
        return cls(f'(byte[])"{shown}"{left}', legacy=True, version=(2, 13))

    def at(self, line: int, column: int | None) -> str:
        """The location text; ``column`` None at the root, where 2.16 leaves it out and 2.13 prints 0."""
        if self.description is None:
            if column is None:
                return SOURCE.replace(", column: {column}", "").format(line=line)
            return SOURCE.format(line=line, column=column)
        return f"[Source: {self.description}; line: {line}, column: {column or 0}]"

    def feature(self, name: str) -> str:
        """How a parser feature is named in "enable ... to allow" texts."""
        return f"JsonParser.Feature.{name}" if self.legacy else f"`JsonReadFeature.{name}`"


JACKSON_2_16 = Dialect()
JACKSON_2_18 = Dialect(version=(2, 18))
"""Kafka 4.0's Jackson: as 2.16, but character errors located at the character."""
JACKSON_2_19 = Dialect(version=(2, 19))
"""Kafka 4.1's Jackson: as 2.18, but a close marker at the root has no open scope to close."""
JACKSON_2_21 = Dialect(version=(2, 21, 6))
"""Kafka 4.2's Jackson: as 2.19, but an unrecognized token is located at its start and the known
properties of an unknown-property text end without a ``]``."""
JACKSON_2_21_7 = Dialect(version=(2, 21, 7))
"""Kafka 4.3's and 4.4's Jackson: as 2.21.6, but a non-ASCII byte starting a value is read as UTF-8."""
JACKSON_2_13_STREAM = Dialect(
    "(org.glassfish.jersey.message.internal.ReaderInterceptorExecutor$UnCloseableInputStream)",
    legacy=True,
    version=(2, 13),
)
"""Jackson 2.13 reading a Jersey resource's entity stream."""
_SNIPPET = 500
DIALECTS = {
    "jackson_2_21_7": JACKSON_2_21_7,
    "jackson_2_21": JACKSON_2_21,
    "jackson_2_19": JACKSON_2_19,
    "jackson_2_18": JACKSON_2_18,
    "json_source_in_location": JACKSON_2_13_STREAM,
}
"""The release feature that asks for each dialect, newest first; a release with none of them reads as 2.16."""


def dialect_of(release: Release) -> Dialect:
    """The dialect in which a release's Jackson reads a Jersey resource's entity stream."""
    return next((dialect for feature, dialect in DIALECTS.items() if release.has(feature)), JACKSON_2_16)


def _iso_control(ch: str) -> bool:
    """Character.isISOControl."""
    return ord(ch) <= 0x1F or 0x7F <= ord(ch) <= 0x9F


def identifier_start(code: int) -> bool:
    """Character.isJavaIdentifierStart."""
    return unicodedata.category(chr(code)) in _IDENTIFIER_START


def identifier_part(code: int) -> bool:
    """Character.isJavaIdentifierPart, ignorable control characters included."""
    if code <= 8 or 0x0E <= code <= 0x1B or 0x7F <= code <= 0x9F:
        return True
    return unicodedata.category(chr(code)) in _IDENTIFIER_PART


def char_desc(code: int) -> str:
    """ParserMinimalBase._getCharDesc."""
    c = code & 0xFFFF
    if c < 0x20 or 0x7F <= c <= 0x9F:
        return f"(CTRL-CHAR, code {code})"
    if code > 255:
        return f"'{chr(c)}' (code {code} / 0x{code:x})"
    return f"'{chr(c)}' (code {code})"


def _utf8_lead(lead: int) -> tuple[int, int]:
    """A UTF-8 lead byte's payload bits and how many continuation bytes follow (none: not a lead)."""
    if lead & 0xE0 == 0xC0:
        return lead & 0x1F, 1
    if lead & 0xF0 == 0xE0:
        return lead & 0x0F, 2
    if lead & 0xF8 == 0xF0:
        return lead & 0x07, 3
    return lead, 0


def _units(text: str) -> list[int]:
    """A Java string's UTF-16 code units."""
    data = text.encode("utf-16-le", "surrogatepass")
    return [data[i] | data[i + 1] << 8 for i in range(0, len(data), 2)]


def _from_units(units: list[int]) -> str:
    return "".join(map(chr, units)).encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _utf32(raw: bytes, big: bool) -> list[int]:
    """Jackson's UTF32Reader: code points above U+10FFFF and a cut-off last char are refused."""
    units: list[int] = []
    count = len(raw) // 4
    for index in range(count):
        code = int.from_bytes(raw[4 * index : 4 * index + 4], "big" if big else "little")
        high, low = code >> 16, code & 0xFFFF
        if high > 0x10:
            shown = ((high - 1) << 16 | low) & 0xFFFFFFFF
            raise ConnectError(
                f"Invalid UTF-32 character 0x{shown:x} (above 0x0010ffff) at char #{len(units)}, byte #{4 * index + 3})"
            )
        units.extend(_units(chr(code)) if high else [code])
    left = len(raw) - 4 * count
    if left:
        raise ConnectError(
            f"Unexpected EOF in the middle of a 4-byte UTF-32 char: got {left}, needed 4, at char #{len(units)}, "
            f"byte #{len(raw)})"
        )
    return units


def _source(raw: bytes) -> tuple[bytes | list[int], bool, int]:
    """ByteSourceJsonBootstrapper: (units, whether they are UTF-8 bytes, where reading starts)."""
    if len(raw) >= 4:
        quad = int.from_bytes(raw[:4], "big")
        if quad == 0x0000FEFF:
            return _utf32(raw[4:], True), False, 0
        if quad == 0xFFFE0000:
            return _utf32(raw[4:], False), False, 0
        if quad in (0x0000FFFE, 0xFEFF0000):
            raise ConnectError(f"Unsupported UCS-4 endianness ({'2143' if quad == 0x0000FFFE else '3412'}) detected")
        if quad >> 16 in (0xFEFF, 0xFFFE):
            codec = "utf-16-be" if quad >> 16 == 0xFEFF else "utf-16-le"
            return _units(raw[2:].decode(codec, "replace")), False, 0
        if quad >> 8 == 0xEFBBBF:
            return raw, True, 3
        if quad >> 8 == 0 or quad & 0x00FFFFFF == 0:
            return _utf32(raw, quad >> 8 == 0), False, 0
        if quad & ~0x00FF0000 & 0xFFFFFFFF == 0 or quad & ~0x0000FF00 & 0xFFFFFFFF == 0:
            raise ConnectError(f"Unsupported UCS-4 endianness ({'3412' if quad & 0x00FF0000 else '2143'}) detected")
    if len(raw) >= 2:
        pair = raw[0] << 8 | raw[1]
        if pair & 0xFF00 == 0 or pair & 0x00FF == 0:
            codec = "utf-16-be" if pair & 0xFF00 == 0 else "utf-16-le"
            return _units(raw.decode(codec, "replace")), False, 0
    return raw, True, 0


class JsonProblem(ConnectError):
    """A Jackson exception on its way up the deserializers: its text, and its reference chain once a
    bean or collection deserializer has wrapped it (map deserializers pass parse errors through)."""

    def __init__(self, text: str, *, mapping: bool = False) -> None:
        super().__init__(text)
        self.text = text
        self.path: list[str] = []
        self.mapping = mapping

    def within(self, reference: str) -> JsonProblem:
        self.path.insert(0, reference)
        self.mapping = True
        self.message = f"{self.text} (through reference chain: {'->'.join(self.path)})"
        return self


class Context:
    """JsonReadContext: root, array or object, how many entries so far, and where it started."""

    __slots__ = ("kind", "index", "line", "column")

    def __init__(self, kind: str, line: int, column: int) -> None:
        self.kind, self.index, self.line, self.column = kind, -1, line, column

    def expect_comma(self) -> bool:
        self.index += 1
        return self.kind != "root" and self.index > 0

    @property
    def desc(self) -> str:
        return {"root": "root", "[": "Array", "{": "Object"}[self.kind]


class Lexer:
    """A JSON body read as Jackson reads it: ``next_token()`` until None, strings decoded on demand."""

    def __init__(self, raw: bytes, dialect: Dialect = JACKSON_2_16) -> None:
        self.dialect = dialect
        self.buf, self.utf8, self.ptr = _source(raw)
        self.char_locations = dialect.char_locations
        """Jackson 2.17+: errors about the character just read are located at it, not after it."""
        self.end = len(self.buf)
        self.line, self.line_start = 1, 0
        self.stack = [Context("root", 1, 0)]
        self.current: str | None = None
        self.name = ""
        self.number = ""
        self.token_line, self.token_column = 1, 0
        self._pending: str | None = None
        self._string_at: int | None = None
        self._string: str | None = None

    # -- locations and errors --------------------------------------------------------------------

    def location(self) -> str:
        return self.dialect.at(self.line, self.ptr - self.line_start + 1)

    def token_location(self) -> str:
        return self.dialect.at(self.token_line, self.token_column)

    def fail(self, message: str) -> JsonProblem:
        return JsonProblem(f"{message}\n at {self.location()}")

    def fail_at_char(self, message: str) -> JsonProblem:
        """An error about the character just read: Jackson 2.17+ locates it one column lower."""
        if not self.char_locations:
            return self.fail(message)
        return JsonProblem(f"{message}\n at {SOURCE.format(line=self.line, column=self.ptr - self.line_start)}")

    def _unexpected(self, code: int, comment: str) -> JsonProblem:
        return self.fail_at_char(f"Unexpected character ({char_desc(code)}): {comment}")

    def _number_char(self, code: int, comment: str) -> JsonProblem:
        return self.fail_at_char(f"Unexpected character ({char_desc(code)}) in numeric value: {comment}")

    def _non_standard(self, word: str) -> JsonProblem:
        return self.fail(
            f"Non-standard token '{word}': enable {self.dialect.feature('ALLOW_NON_NUMERIC_NUMBERS')} to allow"
        )

    def _eof(self, what: str | None = None) -> JsonProblem:
        """_reportInvalidEOF; by default it names the current token (Java prints a null one as null)."""
        if what is None:
            what = f" in {self.current or 'null'}"
        return self.fail(f"Unexpected end-of-input{what}")

    # -- reading ---------------------------------------------------------------------------------

    def _byte(self, chars_eof: str | None = None) -> int:
        """nextByte(), or the end-of-input error (the char parser words some of its own)."""
        if self.ptr >= self.end:
            raise self._eof(None if self.utf8 else chars_eof)
        code = self.buf[self.ptr]
        self.ptr += 1
        return code

    def _char_for_error(self, first: int) -> int:
        """_decodeCharForError: the UTF-8 sequence starting with ``first``, read on from ``ptr``."""
        if not self.utf8 or first & 0xFF < 0x80:
            return first
        return self._utf8_sequence(first & 0xFF)[0]

    def _utf8_sequence(self, lead: int) -> tuple[int, int]:
        """The code point a UTF-8 lead byte starts, read on from ``ptr``, and how many bytes followed."""
        code, needed = _utf8_lead(lead)
        if not needed:
            raise self.fail(f"Invalid UTF-8 start byte 0x{lead:x}")
        for _ in range(needed):
            more = self._byte()
            if more & 0xC0 != 0x80:
                raise self.fail(f"Invalid UTF-8 middle byte 0x{more:x}")
            code = code << 6 | more & 0x3F
        return code, needed

    def _new_line(self) -> None:
        self.line += 1
        self.line_start = self.ptr

    def _skip_cr(self) -> None:
        if self.ptr < self.end and self.buf[self.ptr] == _LF:
            self.ptr += 1
        self._new_line()

    def _skip_ws(self, *, eof_ok: bool) -> int:
        """The next significant character, or -1 at the end (an error unless ``eof_ok``)."""
        while self.ptr < self.end:
            code = self.buf[self.ptr]
            self.ptr += 1
            if code > _SPACE:
                if code == _SLASH:
                    raise self._unexpected(
                        _SLASH,
                        "maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not "
                        "enabled for parser)",
                    )
                return code
            if code == _LF:
                self._new_line()
            elif code == _CR:
                self._skip_cr()
            elif code not in (_SPACE, _TAB):
                raise self.fail(
                    f"Illegal character ({char_desc(code)}): only regular white space (\\r, \\n, \\t) is allowed "
                    "between tokens"
                )
        if not eof_ok:
            raise self._eof(f" within/between {self.stack[-1].desc} entries")
        return -1

    def _mark_token(self) -> None:
        self.token_line, self.token_column = self.line, self.ptr - self.line_start

    def _push(self, kind: str) -> None:
        if len(self.stack) > MAX_DEPTH:
            raise JsonProblem(
                f"Document nesting depth ({MAX_DEPTH + 1}) exceeds the maximum allowed ({MAX_DEPTH}, from "
                "`StreamReadConstraints.getMaxNestingDepth()`)"
            )
        self.stack.append(Context(kind, self.token_line, self.token_column))

    def _close(self, code: int) -> str:
        self._mark_token()
        context = self.stack[-1]
        want = "[" if code == 93 else "{"
        if context.kind == "root" and self.dialect.extra_end_marker:
            kind = "Array" if code == 93 else "Object"
            raise self.fail_at_char(f"Unexpected close marker '{chr(code)}': no open {kind} to close")
        if context.kind != want:
            start = self.dialect.at(context.line, None if context.kind == "root" else context.column)
            raise self.fail_at_char(
                f"Unexpected close marker '{chr(code)}': expected '{']' if want == '{' else '}'}' "
                f"(for {context.desc} starting at {start})"
            )
        self.stack.pop()
        return "END_ARRAY" if code == 93 else "END_OBJECT"

    def next_token(self) -> str | None:
        """JsonParser.nextToken()."""
        if self.current == "FIELD_NAME":
            token = self._pending
            self._pending = None
            if token in ("START_ARRAY", "START_OBJECT"):
                self._push("[" if token == "START_ARRAY" else "{")
            self.current = token
            return token
        if self._string_at is not None and self._string is None:
            self.text()
        self._string_at, self._string = None, None
        code = self._skip_ws(eof_ok=True)
        if code < 0:
            context = self.stack[-1]
            if context.kind != "root":
                start = self.dialect.at(context.line, context.column)
                raise self._eof(f": expected close marker for {context.desc} (start marker at {start})")
            self.current = None
            return None
        if code in (93, 125):
            self.current = self._close(code)
            return self.current
        context = self.stack[-1]
        if context.expect_comma():
            if code != _COMMA:
                raise self._unexpected(code, f"was expecting comma to separate {context.desc} entries")
            code = self._skip_ws(eof_ok=False)
        if context.kind != "{":
            self._mark_token()
            self.current = self._value(code)
            if self.current in ("START_ARRAY", "START_OBJECT"):
                self._push("[" if self.current == "START_ARRAY" else "{")
            return self.current
        self._mark_token()
        self.name = self._field_name(code)
        self.current = "FIELD_NAME"
        code = self._skip_colon()
        self._mark_token()
        self._pending = self._value(code)
        return self.current

    def _skip_colon(self) -> int:
        code = self._skip_ws(eof_ok=False)
        if code != 58:
            raise self._unexpected(code, "was expecting a colon to separate field name and value")
        return self._skip_ws(eof_ok=False)

    def _value(self, code: int) -> str:
        if code == _QUOTE:
            self._string_at, self._string = self.ptr, None
            return "VALUE_STRING"
        if code == 91:
            return "START_ARRAY"
        if code == 123:
            return "START_OBJECT"
        for word, token in (("true", "VALUE_TRUE"), ("false", "VALUE_FALSE"), ("null", "VALUE_NULL")):
            if code == ord(word[0]):
                self._match(word, 1)
                return token
        if code == _MINUS:
            return self._signed_number()
        if code in _DIGITS:
            return self._unsigned_number(code, self.ptr - 1)
        return self._odd_value(code)

    # -- tokens that are not JSON ----------------------------------------------------------------

    def _odd_value(self, code: int) -> str:
        """_handleUnexpectedValue (UTF-8) and _handleOddValue (chars)."""
        if self.utf8 and code >= 0x80 and self.dialect.decodes_utf8_values:
            self._odd_character(self._utf8_sequence(code)[0] & 0xFFFF)
        in_array = self.stack[-1].kind == "["
        if self.utf8 and (code in (_COMMA, 125) or (code == 93 and in_array)):
            raise self._unexpected(code, "expected a value")
        if code in (78, 73):  # NaN, Infinity
            word = "NaN" if code == 78 else "Infinity"
            self._match(word, 1)
            raise self._non_standard(word)
        if code == _PLUS:
            if self.ptr >= self.end:
                raise self._eof(" in a Number value")
            follow = self.buf[self.ptr]
            self.ptr += 1
            self._bad_number_start(follow, negative=False, signed=True)
        if identifier_start(code):
            self._invalid_token(chr(code))
        raise self._unexpected(code, f"expected a valid value {VALUES}")

    def _odd_character(self, char: int) -> None:
        """A decoded non-ASCII character where a value should start (2.21.7 on)."""
        if identifier_start(char):
            self._invalid_token(chr(char))
        raise self._unexpected(char, f"expected a valid value {VALUES}")

    def _invalid_token(self, matched: str) -> None:
        """_reportInvalidToken: the rest of what looks like a Java identifier, for the message."""
        token = matched
        start = self.dialect.at(self.line, self.ptr - self.line_start - len(matched) + 1)
        while self.ptr < self.end:
            code = self.buf[self.ptr]
            if self.utf8:
                self.ptr += 1
                char = self._char_for_error(code) & 0xFFFF
                if not identifier_part(char):
                    break
            else:
                char = code
                if not identifier_part(char):
                    break
                self.ptr += 1
            token += chr(char)
            if len(token) >= _MAX_ERROR_TOKEN:
                token += "..."
                break
        problem = f"Unrecognized token '{token}': was expecting {VALUES}"
        if self.dialect.token_start_errors:
            raise JsonProblem(f"{problem}\n at {start}")
        raise self.fail(problem)

    def _match(self, word: str, index: int) -> None:
        """_matchToken: the rest of a literal, which must not run on into identifier characters."""
        while index < len(word):
            if self.ptr >= self.end or self.buf[self.ptr] != ord(word[index]):
                self._invalid_token(word[:index])
            self.ptr += 1
            index += 1
        if self.ptr >= self.end:
            return
        code = self.buf[self.ptr]
        if self.utf8 and code >= 0x80 and self.dialect.decodes_utf8_values:
            # 2.21.7 reads the character past its first byte (2.21.6 and before read that byte twice);
            # that one which is no identifier part is put back for the next token is not recorded
            before = self.ptr
            self.ptr += 1
            char = self._utf8_sequence(code)[0] & 0xFFFF
            if identifier_part(char):
                self._invalid_token(word + chr(char))
            self.ptr = before
        elif code >= 48 and code not in (93, 125) and identifier_part(self._char_for_error(code) & 0xFFFF):
            self._invalid_token(word)

    # -- numbers ---------------------------------------------------------------------------------

    def _unsigned_number(self, code: int, start: int) -> str:
        if code == 48:
            self._no_leading_zeroes()
        while self.ptr < self.end:
            code = self.buf[self.ptr]
            self.ptr += 1
            if code not in _DIGITS:
                if code in (_PERIOD, 101, 69):
                    return self._float(code, start)
                self.ptr -= 1
                self._root_space(code)
                break
        self._set_number(start)
        return "VALUE_NUMBER_INT"

    def _no_leading_zeroes(self) -> None:
        if self.ptr < self.end and self.buf[self.ptr] in _DIGITS:
            raise self.fail("Invalid numeric value: Leading zeroes not allowed")

    def _signed_number(self) -> str:
        start = self.ptr - 1
        code = self._byte("No digit following minus sign")
        if code == _PERIOD:
            self._odd_value(_PERIOD)
        if code not in _DIGITS:
            self._bad_number_start(code, negative=True, signed=True)
        return self._unsigned_number(code, start)

    def _bad_number_start(self, code: int, *, negative: bool, signed: bool) -> None:
        """_handleInvalidNumberStart."""
        while code == 73:  # 'I'
            if self.ptr >= self.end:
                raise self._eof(" in a Number value")
            code = self.buf[self.ptr]
            self.ptr += 1
            if self.utf8 and code >= 0x80:
                code -= 256  # a Java byte
            if code not in (78, 110):
                break
            sign = "-" if negative else "+"
            word = f"{sign}INF" if code == 78 else f"{sign}Infinity"
            self._match(word, 3)
            raise self._non_standard(word)
        if signed and not negative and not self.dialect.legacy:
            raise self._number_char(
                _PLUS,
                "JSON spec does not allow numbers to have plus signs: enable "
                "`JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow",
            )
        if negative or self.dialect.legacy:  # 2.13 words a plus sign's follower as a minus sign's
            raise self._number_char(code, "expected digit (0-9) to follow minus sign, for valid numeric value")
        raise self._number_char(code, "expected digit (0-9) for valid numeric value")

    def _float(self, code: int, start: int) -> str:
        at_end = False
        if code == _PERIOD:
            fraction = 0
            while True:
                if self.ptr >= self.end:
                    at_end = True
                    break
                code = self.buf[self.ptr]
                self.ptr += 1
                if code not in _DIGITS:
                    break
                fraction += 1
            if fraction == 0:
                raise self._number_char(code, "Decimal point not followed by a digit")
        if code in (101, 69):
            code = self._byte("expected a digit for number exponent")
            if code in (_MINUS, _PLUS):
                code = self._byte("expected a digit for number exponent")
            exponent = 0
            while code in _DIGITS:
                exponent += 1
                if self.ptr >= self.end:
                    at_end = True
                    break
                code = self.buf[self.ptr]
                self.ptr += 1
            if exponent == 0:
                raise self._number_char(code, "Exponent indicator not followed by a digit")
        if not at_end:
            self.ptr -= 1
            self._root_space(code)
        self._set_number(start)
        return "VALUE_NUMBER_FLOAT"

    def _set_number(self, start: int) -> None:
        self.number = "".join(map(chr, self.buf[start : self.ptr]))
        digits = sum(c.isdigit() for c in self.number)
        if digits > MAX_NUMBER_LENGTH:
            raise JsonProblem(
                f"Number value length ({digits}) exceeds the maximum allowed ({MAX_NUMBER_LENGTH}, from "
                "`StreamReadConstraints.getMaxNumberLength()`)"
            )

    def _root_space(self, code: int) -> None:
        """_verifyRootSpace: a number at the root must be followed by white space (or the end)."""
        if self.stack[-1].kind != "root":
            return
        self.ptr += 1
        if code in (_SPACE, _TAB):
            return
        if code == _CR:
            self.ptr -= 1
            return
        if code == _LF:
            self._new_line()
            return
        raise self._unexpected(code, "Expected space separating root-level values")

    # -- strings ---------------------------------------------------------------------------------

    def text(self) -> str:
        """getText() of the current VALUE_STRING: decoded now, which is where its errors show."""
        if self._string is None:
            assert self._string_at is not None
            self.ptr = self._string_at
            self._string = self._read_string(name=False)
        return self._string

    def _field_name(self, code: int) -> str:
        if code != _QUOTE:
            raise self._unexpected(self._char_for_error(code), "was expecting double-quote to start field name")
        if not self.utf8:
            return self._read_string(name=True)
        return self._decode_name(self._name_bytes())

    def _name_bytes(self) -> bytes:
        """A name's raw bytes, escapes resolved; UTF-8 is only decoded once the name is read."""
        data = bytearray()
        start = self.ptr
        while True:
            if self.ptr >= self.end:
                raise self._eof(": was expecting closing '\"' for name" if self.ptr == start else " in field name")
            code = self.buf[self.ptr]
            self.ptr += 1
            if code == _QUOTE:
                return bytes(data)
            if code == 92:
                unit = self._escape()
                data += chr(unit).encode("utf-8", "surrogatepass") if unit > 127 else bytes([unit])
            elif code < _SPACE:
                raise self.fail_at_char(
                    f"Illegal unquoted character ({char_desc(code)}): has to be escaped using backslash to be "
                    "included in name"
                )
            else:
                data.append(code)

    def _decode_name(self, data: bytes) -> str:
        """ByteQuadsCanonicalizer's addName: UTF-8 decoded from 4-byte quads, and reported from them
        (a bad middle byte is shown with the quad's higher bytes, sign and all)."""
        if data.isascii():
            return data.decode("ascii")
        size = len(data)
        padded = data + bytes(-size % 4)
        quads = [int.from_bytes(padded[i : i + 4], "big", signed=True) for i in range(0, len(padded), 4)]

        def byte_at(index: int) -> int:
            return quads[index >> 2] >> ((3 - (index & 3)) << 3)

        units: list[int] = []
        index = 0
        while index < size:
            code = byte_at(index) & 0xFF
            index += 1
            if code > 127:
                lead = code
                code, needed = _utf8_lead(lead)
                if not needed:
                    raise self.fail(f"Invalid UTF-8 start byte 0x{lead:x}")
                if index + needed > size:
                    raise self._eof(" in field name")
                for step in range(needed):
                    more = byte_at(index) & (0xFF if step == 2 else -1)
                    index += 1
                    if more & 0xC0 != 0x80:
                        raise self.fail(f"Invalid UTF-8 middle byte 0x{more & 0xFFFFFFFF:x}")
                    code = code << 6 | more & 0x3F
                if needed > 2:
                    code -= 0x10000
                    units.append((0xD800 + (code >> 10)) & 0xFFFF)
                    code = 0xDC00 | code & 0x3FF
            units.append(code & 0xFFFF)
        return _from_units(units)

    def _read_string(self, *, name: bool) -> str:
        units: list[int] = []
        while True:
            if isinstance(self.buf, bytes):
                plain = _PLAIN.match(self.buf, self.ptr)
                if plain is not None and plain.end() > self.ptr:
                    units.extend(plain.group())
                    self.ptr = plain.end()
            if self.ptr >= self.end:
                if name:
                    raise self._eof(" in field name")
                if not self.utf8:
                    raise self._eof(": was expecting closing quote for a string value")
                raise self._eof(" in VALUE_STRING")
            code = self.buf[self.ptr]
            self.ptr += 1
            if code == _QUOTE:
                return _from_units(units)
            if code == 92:
                units.append(self._escape())
            elif code < _SPACE:
                kind = "name" if name else "string value"
                raise self.fail_at_char(
                    f"Illegal unquoted character ({char_desc(code)}): has to be escaped using backslash to be "
                    f"included in {kind}"
                )
            elif code >= 0x80 and self.utf8:
                units.extend(self._utf8_char(code))
            else:
                units.append(code)

    def _utf8_char(self, lead: int) -> list[int]:
        """A string's multi-byte character as UTF-16 units (four bytes make a surrogate pair)."""
        code, needed = self._utf8_sequence(lead)
        if needed < 3:
            return [code]
        code -= 0x10000
        return [(0xD800 | code >> 10) & 0xFFFF, 0xDC00 | code & 0x3FF]

    def _escape(self) -> int:
        if self.ptr >= self.end:
            raise self._eof(" in character escape sequence")
        code = self.buf[self.ptr]
        self.ptr += 1
        if code in _ESCAPES:
            return _ESCAPES[code]
        if code != ord("u"):
            raise self.fail_at_char(f"Unrecognized character escape {char_desc(self._char_for_error(code))}")
        value = 0
        for _ in range(4):
            if self.ptr >= self.end:
                raise self._eof(" in character escape sequence")
            code = self.buf[self.ptr]
            self.ptr += 1
            digit = int(chr(code), 16) if chr(code) in "0123456789abcdefABCDEF" else -1
            if digit < 0:
                raise self._unexpected(code, "expected a hex-digit for character escape sequence")
            value = value << 4 | digit
        return value
