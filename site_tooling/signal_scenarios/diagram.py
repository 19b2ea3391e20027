"""Draw a recording from scenarios.record() as an SVG sequence diagram.

No diagram library and no JavaScript: the SVG is written as text, so the
same recording always gives the same bytes. The columns are the caller and
each sender, in order of first appearance; each send is one arrow from the
caller to its sender, top to bottom in the order the sends began.
"""

import re
import textwrap
from xml.sax.saxutils import escape

FONT = "ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace"
CHAR = 0.6  # the width of one character of a monospace font, in ems
TEXT, NAME, SMALL = 13, 14, 12  # font sizes in pixels
LINE = 17  # the height of one line of text
MARGIN, GUTTER, GAP, PAD = 16, 28, 16, 10
HEADER = 32  # the height of a column's box
WRAP = 72  # characters in a line of a label

# Light colours, or dark ones when the reader's system prefers dark. The
# picture brings its own background, so it is readable on either page theme.
# Text gets a halo of the background colour where it crosses a lifeline.
STYLE = (
    f"text{{font:{TEXT}px {FONT};fill:#1f2328;paint-order:stroke;"
    "stroke:#fff;stroke-width:4px;stroke-linejoin:round}"
    f".m{{fill:#57606a}}.b{{font-weight:700}}.s{{font-size:{SMALL}px}}"
    f".n{{font-size:{NAME}px}}.c{{text-anchor:middle}}.r{{text-anchor:end}}"
    ".bg{fill:#fff}.box{fill:#eef0fb;stroke:#3f51b5}.me{fill:none;stroke:#57606a}"
    ".life{stroke:#8c959f;stroke-dasharray:4 4}"
    ".a{stroke:#3f51b5;stroke-width:1.5;marker-end:url(#h)}.h{fill:#3f51b5}"
    "@media (prefers-color-scheme:dark){text{fill:#e6edf3;stroke:#1e2129}"
    ".m{fill:#9da7b3}.bg{fill:#1e2129}.box{fill:#2a2f45;stroke:#9fa8da}"
    ".me{stroke:#9da7b3}.life{stroke:#6e7681}.a{stroke:#9fa8da}.h{fill:#9fa8da}}"
)
ARROW_HEAD = (
    '<defs><marker id="h" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="8" '
    'markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">'
    '<path class="h" d="M0 0L8 4L0 8z"/></marker></defs>'
)


def render(recording):
    """Return the SVG text for one recording."""
    columns = _columns(recording)
    centres = {label: x for label, x, _ in columns}
    caller_x = columns[0][1]
    labels = [_label_lines(send) for send in recording["sends"]]
    footer = (
        f"Recorded on Django {recording['django']} with signal_tracer; "
        "arrows in the order the sends began."
    )

    # One row per send: its label's lines, then its arrow.
    rows, y = [], MARGIN + HEADER + 12
    for number, (send, lines) in enumerate(
        zip(recording["sends"], labels, strict=True), start=1
    ):
        first_line = y + LINE - 5
        rows.append(_text(MARGIN + GUTTER - 8, first_line, number, "m s r"))
        rows += _label(send["signal"], lines, caller_x + PAD, first_line)
        y += LINE * len(lines)
        # The marker draws the head; stopping 2px short puts its tip on the line.
        end = centres[send["sender"]] - 2
        rows.append(f'<path class="a" d="M{caller_x:.0f} {y}H{end:.0f}"/>')
        y += 12
    lifeline_end = y + 4
    height = lifeline_end + LINE + MARGIN

    widest_label = max([len(line) for lines in labels for line in lines] + [0])
    width = round(
        max(
            columns[-1][1] + columns[-1][2] / 2 + MARGIN,
            caller_x + PAD + _width(widest_label, TEXT) + MARGIN,
            MARGIN + _width(len(footer), SMALL) + MARGIN,
        )
    )

    header = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="title desc">',
        f'<title id="title">{escape(_title(recording))}</title>',
        f'<desc id="desc">{escape(_description(recording))}</desc>',
        f"<style>{STYLE}</style>",
        ARROW_HEAD,
        '<rect class="bg" width="100%" height="100%" rx="6"/>',
    ]
    for index, (label, x, box_width) in enumerate(columns):
        box = "me" if index == 0 else "box"  # the caller is drawn apart
        header += [
            f'<rect class="{box}" x="{x - box_width / 2:.0f}" y="{MARGIN}" '
            f'width="{box_width:.0f}" height="{HEADER}" rx="4"/>',
            _text(x, MARGIN + HEADER / 2 + 5, _short(label), "b n c"),
            f'<path class="life" d="M{x:.0f} {MARGIN + HEADER}V{lifeline_end}"/>',
        ]
    footer_line = _text(MARGIN, height - MARGIN, footer, "m s")
    return "\n".join([*header, *rows, footer_line, "</svg>"]) + "\n"


def _columns(recording):
    """(label, centre x, box width) for the caller, then each sender."""
    labels = [recording["caller"]]
    for send in recording["sends"]:
        if send["sender"] not in labels:
            labels.append(send["sender"])
    columns, left = [], MARGIN + GUTTER
    for label in labels:
        box_width = 2 * PAD + max(_width(len(_short(label)), NAME), 80)
        columns.append((label, left + box_width / 2, box_width))
        left += box_width + GAP
    return columns


def _short(text):
    """Drop app labels, as in 'signal_scenarios.Tag' -> 'Tag'.

    Every sender here is a model of a known app, so the picture saves the
    width; the description keeps the full labels.
    """
    return re.sub(r"\b\w+\.(?=[A-Z])", "", text)


def _arguments(send, short=_short):
    """'instance, created=True, using': every name, and the values kept."""
    return ", ".join(
        name if value is None else f"{name}={short(value)}"
        for name, value in send["kwargs"].items()
    )


def _label_lines(send):
    """The send written as a call, 'post_save(instance, created=True, ...)'.

    Long calls wrap; the lines after the first start under the first argument.
    """
    call = f"{send['signal']}({_arguments(send)})"
    indent = " " * (len(send["signal"]) + 1)
    return textwrap.wrap(call, WRAP, subsequent_indent=indent, break_long_words=False)


def _label(signal, lines, x, y):
    """The signal's name in bold, then its arguments, one <text> per line."""
    name, rest = escape(signal), escape(lines[0][len(signal) :])
    parts = [f'<text x="{x:.0f}" y="{y}"><tspan class="b">{name}</tspan>{rest}</text>']
    for number, line in enumerate(lines[1:], start=1):
        indent = _width(len(line) - len(line.lstrip()), TEXT)
        parts.append(_text(x + indent, y + LINE * number, line.lstrip(), ""))
    return parts


def _text(x, y, content, css_class):
    attribute = f' class="{css_class}"' if css_class else ""
    return f'<text{attribute} x="{x:.0f}" y="{y:.0f}">{escape(str(content))}</text>'


def _width(characters, size):
    return characters * size * CHAR


def _title(recording):
    return f"{recording['title']}: the signals Django {recording['django']} sends"


def _description(recording):
    """The diagram in words, with full labels, for screen readers."""
    sends = recording["sends"]
    steps = [
        f"{number}. {send['sender']} sends {send['signal']}"
        f"({_arguments(send, short=str)})."
        for number, send in enumerate(sends, start=1)
    ]
    intro = (
        f"Sequence diagram: {recording['caller']} starts the operation, "
        f"then {len(sends)} signals are sent."
    )
    return " ".join([intro, *steps])
