//! Total-fit paragraph breaking after Knuth and Plass, "Breaking Paragraphs
//! into Lines", Software—Practice and Experience 11 (1981), 1119–1184.
//!
//! A paragraph is a list of boxes, glue and penalties. Every feasible set
//! of breaks is weighed by its demerits (badness of each line from how far
//! its spaces stretch or shrink, plus penalties for hyphens), and the set
//! with the fewest demerits wins: a loose line early is traded for a
//! better paragraph as a whole, which first-fit cannot do.

/// One element of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Element {
    /// Material of a fixed width (a word or part of one).
    Box {
        /// Width in points.
        width: f32,
    },
    /// A space that may stretch and shrink, and where a line may end.
    Glue {
        /// Natural width.
        width: f32,
        /// How far it may stretch (at adjustment ratio 1).
        stretch: f32,
        /// How far it may shrink (at adjustment ratio −1, the limit).
        shrink: f32,
    },
    /// A possible break with a cost; `width` is added to the line if the
    /// break is taken (a hyphen).
    Penalty {
        /// Width of the material added at a break here.
        width: f32,
        /// Cost; [`INFINITY`] forbids the break, `-INFINITY` forces it.
        cost: f32,
        /// A hyphen: two flagged breaks in a row cost extra.
        flagged: bool,
    },
}

/// A penalty this large forbids a break; its negative forces one.
pub const INFINITY: f32 = 10_000.0;

/// Tuning of the breaker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Largest badness accepted for a line (TeX's `\tolerance`).
    pub tolerance: f32,
    /// Added to every line's badness before squaring (`\linepenalty`).
    pub line_penalty: f32,
    /// Extra demerits for two hyphenated lines in a row.
    pub double_hyphen_demerits: f32,
    /// Extra demerits for a hyphen on the last-but-one line.
    pub final_hyphen_demerits: f32,
    /// Extra demerits for adjacent lines of very different tightness.
    pub fitness_demerits: f32,
    /// Stretch available to every line on top of its glue, for a
    /// paragraph that cannot be set otherwise (`\emergencystretch`).
    pub emergency_stretch: f32,
    /// Most hyphenated lines allowed in a row.
    pub max_consecutive_hyphens: u32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            tolerance: 200.0,
            line_penalty: 10.0,
            double_hyphen_demerits: 3000.0,
            final_hyphen_demerits: 5000.0,
            fitness_demerits: 100.0,
            emergency_stretch: 0.0,
            max_consecutive_hyphens: 2,
        }
    }
}

/// A chosen break: the element index where the line ends, and the line's
/// adjustment ratio (how much its glue stretches, negative: shrinks).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    /// Index of the glue or penalty the line ends at.
    pub index: usize,
    /// Adjustment ratio of the line that ends here.
    pub ratio: f32,
    /// Whether the line ends with a hyphen.
    pub hyphenated: bool,
}

#[derive(Debug, Clone)]
struct Node {
    index: usize,
    line: usize,
    fitness: u8,
    hyphens: u32,
    flagged: bool,
    total_width: f32,
    total_stretch: f32,
    total_shrink: f32,
    demerits: f32,
    ratio: f32,
    previous: Option<usize>,
}

/// Finds the best breaks for lines of `width` (the first line may be
/// shorter by `first_indent`). Returns `None` if no set of breaks stays
/// within the tolerance.
///
/// The elements must end with a forced break (a penalty of `-INFINITY`),
/// usually after a finishing glue of infinite stretch.
pub fn break_paragraph(elements: &[Element], width: f32, params: &Params) -> Option<Vec<Break>> {
    // Running sums of width, stretch and shrink up to each element.
    let mut sums = Vec::with_capacity(elements.len() + 1);
    let (mut w, mut y, mut z) = (0.0f32, 0.0f32, 0.0f32);
    sums.push((w, y, z));
    for element in elements {
        match *element {
            Element::Box { width } => w += width,
            Element::Glue {
                width,
                stretch,
                shrink,
            } => {
                w += width;
                y += stretch;
                z += shrink;
            }
            Element::Penalty { .. } => {}
        }
        sums.push((w, y, z));
    }

    let mut nodes = vec![Node {
        index: 0,
        line: 0,
        fitness: 1,
        hyphens: 0,
        flagged: false,
        total_width: 0.0,
        total_stretch: 0.0,
        total_shrink: 0.0,
        demerits: 0.0,
        ratio: 0.0,
        previous: None,
    }];
    let mut active: Vec<usize> = vec![0];

    for (b, element) in elements.iter().enumerate() {
        let (penalty, penalty_width, flagged) = match *element {
            Element::Penalty {
                width,
                cost,
                flagged,
            } if cost < INFINITY => (cost, width, flagged),
            Element::Glue { .. } if b > 0 && matches!(elements[b - 1], Element::Box { .. }) => {
                (0.0, 0.0, false)
            }
            _ => continue,
        };
        let forced = penalty <= -INFINITY;

        // Candidates for a line ending at b, best per fitness class.
        let mut best: [Option<(f32, usize, f32)>; 4] = [None; 4];
        let mut still_active = Vec::with_capacity(active.len());
        for &a in &active {
            let node = &nodes[a];
            let line_width = width;
            let natural = sums[b].0 - node.total_width + penalty_width;
            let stretch = sums[b].1 - node.total_stretch + params.emergency_stretch;
            let shrink = sums[b].2 - node.total_shrink;
            let ratio = if natural < line_width {
                if stretch > 0.0 {
                    (line_width - natural) / stretch
                } else {
                    INFINITY
                }
            } else if natural > line_width {
                if shrink > 0.0 {
                    (line_width - natural) / shrink
                } else {
                    -INFINITY
                }
            } else {
                0.0
            };
            // An overfull line can only get worse as b moves on.
            if ratio < -1.0 || forced {
                // Deactivated, unless this is the forced end and the line fits.
            } else {
                still_active.push(a);
            }
            if ratio < -1.0 {
                continue;
            }
            let badness = if ratio >= INFINITY {
                INFINITY
            } else {
                (100.0 * ratio.abs().powi(3)).min(INFINITY)
            };
            if badness > params.tolerance {
                continue;
            }
            if flagged && node.hyphens >= params.max_consecutive_hyphens {
                continue;
            }
            let base = (params.line_penalty + badness).powi(2);
            let mut demerits = if penalty >= 0.0 {
                base + penalty * penalty
            } else if penalty > -INFINITY {
                base - penalty * penalty
            } else {
                base
            };
            if flagged && node.flagged {
                demerits += params.double_hyphen_demerits;
            }
            if forced && node.flagged {
                demerits += params.final_hyphen_demerits;
            }
            let fitness: u8 = if ratio < -0.5 {
                0
            } else if ratio <= 0.5 {
                1
            } else if ratio <= 1.0 {
                2
            } else {
                3
            };
            if (i32::from(fitness) - i32::from(node.fitness)).abs() > 1 {
                demerits += params.fitness_demerits;
            }
            let total = node.demerits + demerits;
            let slot = &mut best[usize::from(fitness)];
            if slot.is_none_or(|(d, _, _)| total < d) {
                *slot = Some((total, a, ratio));
            }
        }
        active = still_active;

        // The totals after the break skip the glue and penalties that
        // follow it: they vanish at the start of the next line.
        let mut after = b + 1;
        while after < elements.len()
            && match elements[after] {
                Element::Glue { .. } => true,
                Element::Penalty { cost, .. } => cost > -INFINITY,
                Element::Box { .. } => false,
            }
        {
            after += 1;
        }
        let (total_width, total_stretch, total_shrink) = sums[after.min(elements.len())];
        for (fitness, candidate) in best.iter().enumerate() {
            let Some((demerits, a, ratio)) = *candidate else {
                continue;
            };
            let from = &nodes[a];
            let node = Node {
                index: b,
                line: from.line + 1,
                fitness: fitness as u8,
                hyphens: if flagged { from.hyphens + 1 } else { 0 },
                flagged,
                total_width,
                total_stretch,
                total_shrink,
                demerits,
                ratio,
                previous: Some(a),
            };
            nodes.push(node);
            active.push(nodes.len() - 1);
        }
        if active.is_empty() {
            return None;
        }
    }

    // The best node that ends at the last element.
    let last = elements.len().checked_sub(1)?;
    let end = active
        .iter()
        .copied()
        .filter(|&n| nodes[n].index == last)
        .min_by(|&x, &y| nodes[x].demerits.total_cmp(&nodes[y].demerits))?;
    let mut breaks = Vec::new();
    let mut current = Some(end);
    while let Some(n) = current {
        let node = &nodes[n];
        if node.previous.is_none() {
            break;
        }
        breaks.push(Break {
            index: node.index,
            ratio: node.ratio,
            hyphenated: node.flagged,
        });
        current = node.previous;
    }
    breaks.reverse();
    Some(breaks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(widths: &[f32]) -> Vec<Element> {
        let mut elements = Vec::new();
        for (i, &w) in widths.iter().enumerate() {
            if i > 0 {
                elements.push(Element::Glue {
                    width: 3.0,
                    stretch: 1.5,
                    shrink: 1.0,
                });
            }
            elements.push(Element::Box { width: w });
        }
        elements.push(Element::Glue {
            width: 0.0,
            stretch: INFINITY,
            shrink: 0.0,
        });
        elements.push(Element::Penalty {
            width: 0.0,
            cost: -INFINITY,
            flagged: false,
        });
        elements
    }

    /// Adjustment ratios of the lines a set of breaks makes.
    fn ratios(elements: &[Element], ends: &[usize], width: f32) -> Vec<f32> {
        let mut out = Vec::new();
        let mut start = 0;
        for &end in ends {
            let (mut w, mut y, mut z) = (0.0, 0.0, 0.0);
            for element in &elements[start..end] {
                match *element {
                    Element::Box { width } => w += width,
                    Element::Glue {
                        width,
                        stretch,
                        shrink,
                    } => {
                        w += width;
                        y += stretch;
                        z += shrink;
                    }
                    Element::Penalty { .. } => {}
                }
            }
            out.push(if w <= width {
                (width - w) / y
            } else {
                (width - w) / z
            });
            start = end + 1;
        }
        out
    }

    /// First fit: end each line at the last glue that still fits.
    fn first_fit(elements: &[Element], width: f32) -> Vec<usize> {
        let mut ends = Vec::new();
        let mut start = 0;
        let mut last_fit = None;
        let mut w = 0.0;
        let mut i = 0;
        while i < elements.len() - 2 {
            match elements[i] {
                Element::Box { width: bw } => w += bw,
                Element::Glue { width: gw, .. } => {
                    if w <= width {
                        last_fit = Some(i);
                    }
                    w += gw;
                }
                Element::Penalty { .. } => {}
            }
            if w > width
                && let Some(end) = last_fit.take()
            {
                ends.push(end);
                start = end + 1;
                i = start;
                w = 0.0;
                continue;
            }
            i += 1;
        }
        let _ = start;
        ends
    }

    #[test]
    fn total_fit_beats_first_fit() {
        // First fit fills the first line, and a later line must then
        // stretch its spaces far; total fit spreads the slack.
        let elements = words(&[30.0, 12.0, 22.0, 12.0, 25.0, 15.0, 10.0, 20.0]);
        let width = 70.0;
        let breaks = break_paragraph(
            &elements,
            width,
            &Params {
                tolerance: 10_000.0,
                ..Params::default()
            },
        )
        .expect("feasible");
        let ends: Vec<usize> = breaks[..breaks.len() - 1].iter().map(|b| b.index).collect();
        let total_fit = ratios(&elements, &ends, width);
        let greedy = ratios(&elements, &first_fit(&elements, width), width);
        let worst = |r: &[f32]| r.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        assert!(
            worst(&total_fit) < worst(&greedy),
            "total fit {total_fit:?} vs first fit {greedy:?}"
        );
    }

    #[test]
    fn infeasible_at_normal_tolerance_needs_emergency_stretch() {
        // Two long words that cannot fill a line without huge spaces.
        let elements = words(&[40.0, 40.0, 40.0]);
        let tight = Params {
            tolerance: 100.0,
            ..Params::default()
        };
        assert!(break_paragraph(&elements, 70.0, &tight).is_none());
        let emergency = Params {
            tolerance: INFINITY,
            emergency_stretch: 30.0,
            ..Params::default()
        };
        assert!(break_paragraph(&elements, 70.0, &emergency).is_some());
    }

    #[test]
    fn a_single_line_needs_no_break_but_the_last() {
        let elements = words(&[10.0, 10.0]);
        let breaks = break_paragraph(&elements, 100.0, &Params::default()).unwrap();
        assert_eq!(breaks.len(), 1);
        assert_eq!(breaks[0].index, elements.len() - 1);
    }
}
