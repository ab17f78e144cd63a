"""What every import format shares: the refusal, UTF-8 decoding with line numbers, validation.

An import is all or nothing: a parser collects every problem it can find, then raises
``ImportRejected`` with the whole list instead of returning a partial code system.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from thesaurus.domain.model import ConceptData, ImportProblem, validate

UTF8_BOM = b"\xef\xbb\xbf"
# Enough to point the user at the damaged part of a file without flooding the response
# when a whole Latin-1 file is sent.
MAX_ENCODING_PROBLEMS = 20


class ImportRejected(Exception):
    """The content cannot be imported; ``problems`` says where and why (messages in French)."""

    def __init__(self, problems: Sequence[ImportProblem]) -> None:
        self.problems: list[ImportProblem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def decode_utf8(content: bytes | str) -> str:
    """Text of ``content``, strictly UTF-8 (a leading BOM is dropped).

    Raises ``ImportRejected`` naming each line (1-based) that holds an invalid byte sequence.
    """
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    raw = content.removeprefix(UTF8_BOM)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Splitting on b"\n" is safe: 0x0A never occurs inside a multi-byte UTF-8 sequence, so each
    # physical line can be checked on its own and the file's own line numbers reported.
    problems: list[ImportProblem] = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(
                ImportProblem(
                    f"ligne {number}",
                    None,
                    f"encodage invalide (octet 0x{line[error.start]:02X} en position "
                    f"{error.start + 1}), UTF-8 attendu",
                )
            )
            if len(problems) >= MAX_ENCODING_PROBLEMS:
                break
    raise ImportRejected(problems)


def reject_if_invalid(concepts: Iterable[ConceptData], problems: Sequence[ImportProblem]) -> None:
    """Raise ``ImportRejected`` with ``problems`` plus the domain checks, if there are any."""
    found = [*problems, *validate(concepts)]
    if found:
        raise ImportRejected(found)
