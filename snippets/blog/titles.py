"""Title case that respects what the writer typed.

`str.title()` capitalises every letter that follows a non-letter, so
"don't" becomes "Don'T" and "iPhone" becomes "Iphone". This rule works on
whole words instead, and never lowercases a letter.
"""

import re
import string

# Short function words stay lowercase inside a title, as most English style
# guides ask.
SMALL_WORDS = frozenset(
    {"a", "an", "the"}  # articles
    | {"and", "but", "for", "nor", "or"}  # coordinating conjunctions
    | {"as", "at", "by", "in", "of", "on", "per", "to", "via", "vs"}  # prepositions
)

# Words are separated by whitespace and by hyphens; the separators are kept,
# so the spacing of the title never changes.
_SEPARATOR = re.compile(r"(\s+|-)")
# What may cling to a small word: "(the", "of,", and curly quotes too.
_PUNCTUATION = string.punctuation + "\u2018\u2019\u201c\u201d"


def title_case(text: str) -> str:
    """Capitalise the words of a title the way an editor would."""
    tokens = _SEPARATOR.split(text)
    # With a capturing split, words sit at even indexes and separators at
    # odd ones; edges of the text give empty words, which are skipped.
    words = [i for i in range(0, len(tokens), 2) if tokens[i]]
    for n, i in enumerate(words):
        at_edge = n in (0, len(words) - 1) or tokens[words[n - 1]].endswith(":")
        tokens[i] = _case_word(tokens[i], at_edge)
    return "".join(tokens)


def _case_word(word: str, at_edge: bool) -> str:
    if any(ch.isupper() for ch in word):
        return word  # "iPhone", "NASA", "McDonald's": the writer decided.
    if not at_edge and word.strip(_PUNCTUATION) in SMALL_WORDS:
        return word
    for i, ch in enumerate(word):
        if ch.isalnum():
            # Only a leading letter is raised: "2nd" and "'90s" stay as typed.
            return word[:i] + ch.upper() + word[i + 1 :] if ch.isalpha() else word
    return word
