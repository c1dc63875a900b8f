"""Markdown built to make a renderer slow or recursive, at any exact size.

The shapes follow CommonMark's own pathological tests (deep nesting of every
construct, delimiter runs with no partner, brackets that never close, link
reference floods) plus what stresses the cleaner behind the renderer (huge
tables, entity floods, footnote floods). ``CASES`` maps a name to a function
``size -> text`` returning exactly ``size`` characters; ``make bench`` times
each at the body limit and the tests send each through the writing form.
"""

from collections.abc import Callable


def repeat(unit: str, size: int, *, prefix: str = "", suffix: str = "") -> str:
    """Return ``prefix``, ``unit`` repeated, ``suffix``: exactly ``size`` characters."""
    room = max(size - len(prefix) - len(suffix), 0)
    text = prefix + (unit * (room // len(unit) + 1))[:room] + suffix
    return text[:size]


def nest(opening: str, middle: str, closing: str, size: int) -> str:
    """Return ``opening`` k times, ``middle``, ``closing`` k times, padded to ``size``."""
    k = (size - len(middle)) // (len(opening) + len(closing))
    return (opening * k + middle + closing * k).ljust(size)


def lines_growing(make_line: Callable[[int], str], size: int) -> str:
    """Return lines ``make_line(1)``, ``make_line(2)``... for as long as they fit in ``size``."""
    text, depth = "", 1
    while len(text) + len(make_line(depth)) <= size:
        text += make_line(depth)
        depth += 1
    return text.ljust(size, "x")


def definitions_then_uses(definition: Callable[[int], str], use: Callable[[int], str], size: int):
    """Return half ``size`` of numbered definitions, then uses of them, to ``size`` exactly."""
    parts, count, length = [], 0, 0
    while length < size // 2:
        parts.append(definition(count))
        length += len(parts[-1])
        count += 1
    uses = "".join(use(n) for n in range(0, count, 3))
    return repeat(uses, size, prefix="".join(parts) + "\n")


def backtick_stairs(size: int) -> str:
    """Return "e`e``e```...": code-span openers of every length, none closed."""
    text, k = "", 1
    while len(text) + k + 1 <= size:
        text += "e" + "`" * k
        k += 1
    return text.ljust(size, "e")


CASES: dict[str, Callable[[int], str]] = {
    # Blocks nested as deep as the size allows.
    "blockquote '>' x N": lambda n: repeat(">", n, suffix=" a"),
    "blockquote stairs": lambda n: lines_growing(lambda d: ">" * d + " a\n", n),
    "bullet list '- ' x N": lambda n: repeat("- ", n, suffix="a"),
    "ordered list '1. ' x N": lambda n: repeat("1. ", n, suffix="a"),
    "list indented deeper per line": lambda n: lines_growing(lambda d: "  " * d + "- a\n", n),
    "quote and list '> - ' x N": lambda n: repeat("> - ", n, suffix="a"),
    "unclosed fence": lambda n: repeat("a\n", n, prefix="```\n"),
    "many fences": lambda n: repeat("```\na\n```\n", n),
    "setext headings": lambda n: repeat("a\n=\n", n),
    "thematic breaks": lambda n: repeat("***\n", n),
    "many paragraphs": lambda n: repeat("a\n\n", n),
    "hard breaks": lambda n: repeat("a  \n", n),
    # Emphasis.
    "'*a ' x N": lambda n: repeat("*a ", n),
    "'_a ' x N": lambda n: repeat("_a ", n),
    "'a_ ' x N": lambda n: repeat("a_ ", n),
    "'*a_ ' x N": lambda n: repeat("*a_ ", n),
    "'*' x N around a": lambda n: nest("*", "a", "*", n),
    "'_' x N around a": lambda n: nest("_", "a", "_", n),
    "'*_' alternating around a": lambda n: nest("*_", "a", "_*", n),
    "'**a *b ' nesting": lambda n: nest("**a *b ", "c", "* d**", n),
    "'~~' x N around a": lambda n: nest("~~", "a", "~~", n),
    "multiple-of-3 rule": lambda n: repeat("c* ", n, prefix="a**b "),
    # Brackets, links and images.
    "'[' x N": lambda n: repeat("[", n),
    "'[a' x N": lambda n: repeat("[a", n),
    "'a]' x N": lambda n: repeat("a]", n),
    "'[' x N a ']' x N": lambda n: nest("[", "a", "]", n),
    "'[ (](' x N": lambda n: repeat("[ (](", n),
    "'[a](b' x N unclosed": lambda n: repeat("[a](b", n),
    "'[a](<b' x N unclosed": lambda n: repeat("[a](<b", n),
    "unclosed link titles": lambda n: repeat('[a](b "t', n),
    "'[ a_' x N": lambda n: repeat("[ a_", n),
    "nested links": lambda n: nest("[", "a", "](b)", n),
    "nested images": lambda n: nest("![", "a", "](b)", n),
    "'![' x N": lambda n: repeat("![", n),
    "link reference flood": lambda n: definitions_then_uses(
        lambda i: f"[r{i}]: /u{i}\n", lambda i: f"[r{i}] ", n
    ),
    "one reference defined N times": lambda n: repeat("[a]: b\n", n, suffix="\n[a]"),
    "collapsed references": lambda n: repeat("[a][] ", n, prefix="[a]: /x\n\n"),
    # Code spans.
    "backtick staircase": backtick_stairs,
    "'`' x N": lambda n: repeat("`", n),
    "'`a' x N": lambda n: repeat("`a", n),
    # Angle brackets: raw HTML is text, but each "<" becomes "&lt;".
    "'<' x N": lambda n: repeat("<", n),
    "'<a href=\"' x N": lambda n: repeat('<a href="', n),
    "'<em>a' x N": lambda n: repeat("<em>a", n),
    "'<ul><li>' x N": lambda n: repeat("<ul><li>", n),
    "'<!--' x N": lambda n: repeat("<!--", n, prefix="a "),
    "'<http:' x N": lambda n: repeat("<http:", n),
    # Entities.
    "'&#' x N": lambda n: repeat("&#", n),
    "'&#x9999;' x N": lambda n: repeat("&#x9999;", n),
    "'&amp;' x N": lambda n: repeat("&amp;", n),
    "'&' x N": lambda n: repeat("&", n),
    # Tables.
    "wide table": lambda n: repeat(
        "|b\n", n, prefix="|a" * (n // 8) + "|\n" + "|-" * (n // 8) + "|\n"
    ),
    "tall table": lambda n: repeat("| 1 | 2 | 3 |\n", n, prefix="| a | b | c |\n|:-|:-:|-:|\n"),
    "one row of pipes": lambda n: repeat("|", n, prefix="a|b\n-|-\n"),
    # Footnotes.
    "footnote flood": lambda n: definitions_then_uses(
        lambda i: f"[^{i}]: n{i}\n\n", lambda i: f"t[^{i}] ", n
    ),
    "one footnote referenced N times": lambda n: repeat("x[^a] ", n, suffix="\n\n[^a]: note\n"),
    "'[^' x N": lambda n: repeat("[^", n),
    "unused footnote definitions": lambda n: repeat("[^a]: b\n", n),
    # Plain volume and the linkifier.
    "bare URLs": lambda n: repeat("https://a.com/x ", n),
    "one long URL": lambda n: repeat("a", n, prefix="https://a.com/"),
    "'a.' x N then com": lambda n: repeat("a.", n, suffix="com"),
    "ordinary prose": lambda n: repeat("Take it slowly, with food. " * 10 + "\n\n", n),
    "one long line": lambda n: repeat("a", n),
    "backslash escapes": lambda n: repeat("\\*", n),
}
