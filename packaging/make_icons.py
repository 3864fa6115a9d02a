"""Draw the application icon (a dependency graph with a check mark) at the usual sizes.

Run: .venv/bin/python packaging/make_icons.py
Writes resources/icons/prr-workbench-<size>.png (16 ... 512) and
resources/icons/prr-workbench.ico. The drawing is done at 1024 px and scaled
down, so every size comes from the same picture.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"

NAVY = (28, 43, 74, 255)
TEAL = (38, 166, 154, 255)
RED = (229, 83, 70, 255)
WHITE = (255, 255, 255, 255)
GREEN = (76, 175, 80, 255)


def draw(size: int = 1024) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    s = size / 1024
    d.rounded_rectangle([40 * s, 40 * s, 984 * s, 984 * s], radius=190 * s, fill=NAVY)
    nodes = {"top": (512, 230), "left": (290, 520), "right": (734, 520), "bottom": (512, 790)}
    edges = [("top", "left"), ("top", "right"), ("left", "bottom"), ("right", "bottom")]
    for a, b in edges:
        (x1, y1), (x2, y2) = nodes[a], nodes[b]
        d.line([x1 * s, y1 * s, x2 * s, y2 * s], fill=WHITE, width=int(34 * s) or 1)
    for name, (x, y) in nodes.items():
        r = 92 if name != "bottom" else 110
        colour = RED if name == "bottom" else TEAL
        d.ellipse([(x - r) * s, (y - r) * s, (x + r) * s, (y + r) * s], fill=colour, outline=WHITE,
                  width=int(22 * s) or 1)
    # the check mark: the review says whether it may launch
    cx, cy, r = 790, 250, 150
    d.ellipse([(cx - r) * s, (cy - r) * s, (cx + r) * s, (cy + r) * s], fill=GREEN, outline=NAVY,
              width=int(26 * s) or 1)
    d.line([(cx - 85) * s, (cy + 5) * s, (cx - 20) * s, (cy + 70) * s, (cx + 90) * s, (cy - 65) * s],
           fill=WHITE, width=int(48 * s) or 1, joint="curve")
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    big = draw()
    for n in SIZES:
        big.resize((n, n), Image.LANCZOS).save(OUT / f"prr-workbench-{n}.png", optimize=True)
    big.resize((256, 256), Image.LANCZOS).save(OUT / "prr-workbench.ico", sizes=[(n, n) for n in (16, 32, 48, 256)])
    print(f"wrote {len(SIZES)} PNG sizes and an .ico to {OUT}")


if __name__ == "__main__":
    main()
