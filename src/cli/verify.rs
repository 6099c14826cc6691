//! `verify`: run the analytic validation cases and print what was checked and why it passed.

use anyhow::Result;
use ifss_sim::verify::{self, ALPHA_PASS, CaseResult, CheckResult, MAX_RELATIVE_HALF_WIDTH};
use std::time::Instant;

/// Options of `verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Master seed [default: 20130601].
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Skip the heavy-traffic cases (rho 0.95), which take most of the time.
    #[arg(long)]
    quick: bool,
}

/// Significant figures enough to compare a value with its theory.
fn num(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let a = x.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 100.0 {
        format!("{x:.2}")
    } else if a >= 1.0 {
        format!("{x:.4}")
    } else {
        format!("{x:.5}")
    }
}

fn row(c: &CheckResult) -> String {
    let ci = match c.ci95 {
        Some([lo, hi]) => format!("[{}, {}]", num(lo), num(hi)),
        None => "-".into(),
    };
    let tolerance = if c.exact {
        "exact".to_string()
    } else {
        format!("±{}", num(c.pass_half_width))
    };
    let verdict = if c.pass {
        "pass"
    } else if !c.agrees {
        "FAIL"
    } else {
        "FAIL (imprecise)"
    };
    format!(
        "  {:<46} {:>10} {:>10}  {:<22} {:>10}  {}",
        c.label,
        num(c.theory),
        num(c.mean),
        ci,
        tolerance,
        verdict
    )
}

fn print_case(case: &verify::Case, r: &CaseResult, seed: u64) -> Result<()> {
    outln!(
        "\n{} — {} ({} replications{}, {:.1} s)",
        r.name,
        case.setting,
        r.replications,
        if matches!(case.kind, verify::Kind::LittlesLaw(_)) {
            " per policy"
        } else {
            ""
        },
        r.seconds
    )?;
    outln!(
        "  ifss-sim {} {}{} --seed {} --reps {}",
        match case.kind {
            verify::Kind::LittlesLaw(_) => "compare --policies proportional,demand-led,pooled",
            _ => "run",
        },
        case.file,
        case.sets
            .iter()
            .map(|s| format!(" --set '{s}'"))
            .collect::<String>(),
        verify::case_seed(seed, case),
        r.replications
    )?;
    for c in &r.checks {
        outln!("{}", row(c))?;
    }
    Ok(())
}

pub fn verify(a: VerifyArgs) -> Result<()> {
    let seed = a.seed.unwrap_or(verify::DEFAULT_SEED);
    let threads = a.threads.map(usize::from);
    outln!(
        "Analytic validation (master seed {seed}): each case reduces the model to a system with an exact"
    )?;
    outln!("answer and runs on its own seed derived from the master seed.")?;
    outln!(
        "A check passes when |mean - theory| is within the {:.1}% interval t(R-1) S/sqrt(R) of the",
        100.0 * (1.0 - ALPHA_PASS)
    )?;
    outln!(
        "replications (column \"±\"), and the 95% interval is at most {:.0}% of the theory wide on each side.",
        100.0 * MAX_RELATIVE_HALF_WIDTH
    )?;
    outln!(
        "\n  {:<46} {:>10} {:>10}  {:<22} {:>10}  result",
        "check",
        "theory",
        "simulated",
        "95% CI",
        "99.9% ±"
    )?;
    let start = Instant::now();
    let (mut checks, mut failed, mut events) = (0, 0, 0);
    for case in verify::cases().iter().filter(|c| !a.quick || c.quick) {
        let r = verify::run_case(case, seed, threads)?;
        print_case(case, &r, seed)?;
        checks += r.checks.len();
        failed += r.checks.iter().filter(|c| !c.pass).count();
        events += r.events;
    }
    outln!(
        "\n{} of {checks} checks passed ({events} events in {:.1} s).",
        checks - failed,
        start.elapsed().as_secs_f64()
    )?;
    if failed > 0 {
        return Err(
            super::ChecksFailed(format!("{failed} of {checks} validation checks failed")).into(),
        );
    }
    Ok(())
}
