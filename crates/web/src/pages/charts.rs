//! Small bar charts drawn on the server as SVG, so pages need no chart
//! script or CDN. Each chart carries its numbers as text too (a title per
//! bar and a table for screen readers), so nothing is only in the picture.

use super::failure::escape;

/// One series of a chart: its name (for the legend) and CSS class.
pub struct Series {
    pub name: &'static str,
    pub class: &'static str,
}

/// One group of bars, e.g. a week: its label and one value per series.
pub struct Group {
    pub label: String,
    pub values: Vec<u64>,
}

const WIDTH: u64 = 480;
const HEIGHT: u64 = 160;
const AXIS: u64 = 20;

/// A grouped bar chart as inline SVG with a caption and a hidden data
/// table; `unit` follows each value in the bar titles ("tickets").
pub fn bar_chart(caption: &str, unit: &str, series: &[Series], groups: &[Group]) -> String {
    let max = groups
        .iter()
        .flat_map(|g| g.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = WIDTH / (groups.len().max(1) as u64);
    let bar = (slot.saturating_sub(8) / (series.len().max(1) as u64)).max(2);
    let plot = HEIGHT - AXIS;
    let mut svg = format!(
        "<figure class=\"chart\"><svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"xMidYMid meet\">",
        escape(caption)
    );
    svg.push_str(&format!(
        "<line class=\"axis\" x1=\"0\" y1=\"{plot}\" x2=\"{WIDTH}\" y2=\"{plot}\"/>"
    ));
    for (i, group) in groups.iter().enumerate() {
        let left = i as u64 * slot + 4;
        for (j, value) in group.values.iter().enumerate() {
            let height = value * (plot - 4) / max;
            let class = series.get(j).map_or("", |s| s.class);
            let name = series.get(j).map_or("", |s| s.name);
            svg.push_str(&format!(
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{bar}\" height=\"{height}\"><title>{}: {} {value} {}</title></rect>",
                left + j as u64 * bar,
                plot - height,
                escape(&group.label),
                escape(name),
                escape(unit),
            ));
        }
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            left + slot / 2 - 4,
            HEIGHT - 5,
            escape(&group.label)
        ));
    }
    svg.push_str("</svg><figcaption>");
    svg.push_str(&escape(caption));
    for s in series {
        svg.push_str(&format!(
            " <span class=\"key {}\">{}</span>",
            s.class,
            escape(s.name)
        ));
    }
    svg.push_str("</figcaption>");
    svg.push_str("<table class=\"visually-hidden\"><thead><tr><th scope=\"col\"></th>");
    for s in series {
        svg.push_str(&format!("<th scope=\"col\">{}</th>", escape(s.name)));
    }
    svg.push_str("</tr></thead><tbody>");
    for group in groups {
        svg.push_str(&format!(
            "<tr><th scope=\"row\">{}</th>",
            escape(&group.label)
        ));
        for value in &group.values {
            svg.push_str(&format!("<td>{value}</td>"));
        }
        svg.push_str("</tr>");
    }
    svg.push_str("</tbody></table></figure>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_to_the_largest_value_and_labelled() {
        let svg = bar_chart(
            "Tickets per week",
            "tickets",
            &[
                Series {
                    name: "opened",
                    class: "opened",
                },
                Series {
                    name: "resolved",
                    class: "resolved",
                },
            ],
            &[
                Group {
                    label: "30 Nov".into(),
                    values: vec![10, 5],
                },
                Group {
                    label: "7 Dec".into(),
                    values: vec![0, 2],
                },
            ],
        );
        assert!(svg.contains("height=\"136\""), "{svg}");
        assert!(svg.contains("height=\"68\""), "{svg}");
        assert!(
            svg.contains("<title>7 Dec: resolved 2 tickets</title>"),
            "{svg}"
        );
        assert!(
            svg.contains("<th scope=\"row\">30 Nov</th><td>10</td><td>5</td>"),
            "{svg}"
        );
    }

    #[test]
    fn an_empty_chart_draws_no_bars() {
        let svg = bar_chart("Nothing", "tickets", &[], &[]);
        assert!(!svg.contains("<rect"));
        assert!(svg.contains("<figcaption>Nothing"));
    }
}
