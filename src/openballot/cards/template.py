"""The Typst source of a voting card page (A5 portrait, one card a page).

The data come in through `sys.inputs.data` as JSON, so a title or a name is only ever text:
nothing a register holds is read as Typst markup. Text is shaped by Typst (rustybuzz) and laid
out in the card's direction; the code, the serial, the address and the fingerprint are set
apart left to right in a monospace font on every card, Arabic ones included.
"""

from __future__ import annotations

__all__ = ["FONT_FAMILIES", "SOURCE"]

#: The families the template names; `pdf.py` refuses to render without them.
FONT_FAMILIES = ("Noto Sans", "Noto Naskh Arabic", "DejaVu Sans Mono")

SOURCE = r"""
#let data = json(bytes(sys.inputs.data))
// One image per address, shared by the cards (the PDF holds it once).
#let qr = for (url, png) in data.qr { ((url): bytes(png)) }
#let grey = luma(85)

// Left to right whatever the card's direction: codes, serials, hex and addresses.
#let mono(body, size: 9pt, weight: "regular") = box(
  text(font: "DejaVu Sans Mono", size: size, weight: weight, dir: ltr, body),
)
// Long names are set smaller, so that every card fits its page (write_cards checks it does).
#let fit(s, long) = {
  let n = s.clusters().len()
  if n > 2 * long { 8.5pt } else if n > long { 9.5pt } else { 11pt }
}
#let label(body) = text(size: 0.87em, fill: grey, weight: "bold", body)

#let card(c, t, shrink) = {
  let ar = c.lang == "ar"
  set text(
    lang: c.lang,
    dir: if ar { rtl } else { ltr },
    font: if ar { ("Noto Naskh Arabic", "Noto Sans") } else { ("Noto Sans", "Noto Naskh Arabic") },
    size: (if ar { 9.3pt } else { 8.6pt }) - shrink,
  )
  set par(leading: if ar { 0.5em } else { 0.6em }, spacing: 0.8em, justify: false)
  set enum(spacing: 0.7em)

  block(width: 100%, fill: luma(232), inset: (x: 4mm, y: 3mm), radius: 1.5mm, below: 4mm, grid(
    columns: (1fr, auto),
    column-gutter: 4mm,
    align: (start + horizon, end + horizon),
    {
      text(size: 17pt, weight: "bold", t.heading)
      linebreak()
      text(size: fit(c.title, 50), weight: "bold", c.title)
    },
    {
      label(t.serial)
      linebreak()
      mono(c.serial, size: 10pt, weight: "bold")
    },
  ))

  grid(
    columns: (1fr, 44mm),
    column-gutter: 5mm,
    {
      label(t.district)
      linebreak()
      text(size: fit(c.district, 30), weight: "bold", c.district)
      if c.voter != none {
        parbreak()
        label(t.voter)
        linebreak()
        text(size: fit(c.voter, 30), weight: "bold", c.voter)
      }
      block(width: 100%, stroke: 1.4pt, radius: 1.5mm, inset: 3mm, above: 3mm, below: 2mm, {
        label(t.code)
        v(1.5mm)
        align(center, mono(c.code, size: 14.5pt, weight: "bold"))
        v(0.5mm)
        text(size: 0.82em, t.code_note)
      })
      text(size: 0.87em, weight: "bold", t.secret)
      block(width: 100%, stroke: 0.6pt + grey, radius: 1.5mm, inset: 3mm, above: 3mm, {
        label(t.fingerprint)
        v(1mm)
        align(center, mono(c.fingerprint.join(linebreak()), size: 8.2pt))
        v(0.5mm)
        text(size: 0.82em, t.fingerprint_note)
      })
    },
    {
      image(qr.at(c.url), format: "png", width: 44mm, scaling: "pixelated")
      v(-1mm)
      align(center, text(size: 0.87em, weight: "bold", t.qr))
      v(1mm)
      align(center, text(size: 0.82em, fill: grey, t.address))
      align(center, mono(c.address.join(linebreak()), size: 7pt))
    },
  )

  v(3mm)
  line(length: 100%, stroke: 0.6pt + grey)
  let section(heading, body) = block(above: 4mm, below: 0mm, {
    block(below: 1.8mm, text(size: if ar { 11pt } else { 10pt }, weight: "bold", heading))
    body
  })
  section(t.vote_heading, enum(numbering: if ar { "١." } else { "1." }, ..t.vote_steps))
  section(t.revote_heading, t.revote)
  section(t.check_heading, t.check)
}

#for c in data.cards {
  let t = data.texts.at(c.lang)
  page(
    paper: "a5",
    margin: (x: 10mm, top: 9mm, bottom: 14mm),
    footer: {
      set text(
        lang: c.lang,
        dir: if c.lang == "ar" { rtl } else { ltr },
        font: ("Noto Sans", "Noto Naskh Arabic"),
        size: if c.lang == "ar" { 8pt } else { 7pt },
        fill: grey,
      )
      line(length: 100%, stroke: 0.4pt + grey)
      v(-1mm)
      t.footer
    },
    // Long titles or names take lines from the instructions: then the card is set smaller,
    // in steps, until it fits its page.
    // Long titles or names take lines from the instructions: then the card is set smaller.
    // (Measuring each card instead costs 2.5 times the time and memory.)
    card(c, t, {
      let given = (c.title, c.district, if c.voter == none { "" } else { c.voter })
      // A name takes a row of its own, whatever its length: it counts as 60 characters more.
      let long = given.map(s => s.clusters().len()).sum() + if c.voter == none { 0 } else { 60 }
      if long > 150 { 2pt } else if long > 100 { 1pt } else if long > 70 { 0.5pt } else { 0pt }
    }),
  )
}
"""
