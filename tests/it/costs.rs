//! `ifss-sim costs`: the proposal's cost table to the pound, its audit, and the projection.

use super::support::ifss;
use serde_json::Value;

/// `costs --json` with `args`, which must succeed.
fn costs_json(args: &[&str]) -> Value {
    let mut all = vec!["costs", "--json", "--quiet"];
    all.extend_from_slice(args);
    let o = ifss(&all);
    o.json()
}

fn pounds(v: &Value) -> i64 {
    v.as_i64()
        .unwrap_or_else(|| panic!("a whole number of pounds: {v}"))
}

#[test]
fn the_table_reproduces_every_figure_of_the_proposal_to_the_pound() {
    let v = costs_json(&["--reps", "2"]);
    assert_eq!(v["schema"], 1);
    assert_eq!(v["scenario"], "western-bay");
    assert_eq!(pounds(&v["budget"]), 850_000);
    // (point, salary, non-salary, total, headroom) as the proposal states them.
    let expected = [
        ("min", 811_961, 31_552, 843_513, 6_487),
        ("mid", 849_212, 31_552, 880_764, -30_764),
        ("max", 877_629, 31_552, 909_181, -59_181),
    ];
    for (point, salary, non_salary, total, headroom) in expected {
        let column = &v["table"][point];
        assert_eq!(pounds(&column["salary"]), salary, "{point}");
        assert_eq!(pounds(&column["non_salary"]), non_salary, "{point}");
        assert_eq!(pounds(&column["total"]), total, "{point}");
        assert_eq!(pounds(&column["headroom"]), headroom, "{point}");
    }
}

#[test]
fn the_audit_lists_exactly_the_lines_that_do_not_add_up() {
    let v = costs_json(&["--reps", "2"]);
    let audit = v["audit"].as_array().expect("audit list");
    let lines: Vec<&str> = audit.iter().map(|f| f["line"].as_str().unwrap()).collect();
    assert_eq!(lines, ["Occupancy", "Mobile phones"]);
    assert_eq!(pounds(&audit[0]["stated"]), 4_600);
    assert_eq!(pounds(&audit[0]["recomputed"]), 46_000);
    assert_eq!(pounds(&audit[1]["stated"]), 952);
    assert_eq!(pounds(&audit[1]["recomputed"]), 612);
    assert_eq!(pounds(&v["recomputed_totals"]["min"]["total"]), 884_573);
}

#[test]
fn the_projection_has_each_contract_year_near_the_tables_minimum() {
    let v = costs_json(&["--reps", "20", "--seed", "7"]);
    let p = &v["projection"];
    assert_eq!(p["replications"], 20);
    assert_eq!(p["seed"], 7);
    assert_eq!(p["policy"], "proportional");
    let years = p["years"].as_array().expect("years");
    assert_eq!(years.len(), 3, "a three-year contract");
    for (i, y) in years.iter().enumerate() {
        assert_eq!(y["year"], i + 1);
        assert_eq!(pounds(&y["non_salary"]), 31_552);
        let mean = y["cost"]["mean"].as_f64().unwrap();
        // Posts start at the minimum points (£843,513 fully staffed); vacancies pull cost
        // down, increments and pay awards push it up, so each year stays near that total.
        assert!(
            (700_000.0..1_000_000.0).contains(&mean),
            "year {}: mean cost £{mean}",
            i + 1
        );
        let ci = y["cost"]["ci95"].as_array().unwrap();
        assert!(ci[0].as_f64().unwrap() <= mean && mean <= ci[1].as_f64().unwrap());
        let parts: f64 = ["salary", "agency", "mileage"]
            .iter()
            .map(|k| y[k]["mean"].as_f64().unwrap())
            .sum::<f64>()
            + 31_552.0;
        assert!(
            (parts - mean).abs() < 0.01,
            "year {}: {parts} vs {mean}",
            i + 1
        );
        let p_over = y["p_over_budget"]["mean"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p_over));
    }
    assert!(p["cost_per_phase1_completion"]["mean"].as_f64().unwrap() > 0.0);
}

#[test]
fn a_budget_far_above_or_below_any_cost_gives_probability_zero_or_one() {
    for (budget, expected) in [("100000000", 0.0), ("1000", 1.0)] {
        let set = format!("costs.budget={budget}");
        let v = costs_json(&["--reps", "5", "--set", &set]);
        let years = v["projection"]["years"].as_array().unwrap();
        assert_eq!(years.len(), 3);
        for y in years {
            assert_eq!(
                y["p_over_budget"]["mean"].as_f64(),
                Some(expected),
                "budget £{budget}, year {}",
                y["year"]
            );
        }
    }
}

#[test]
fn run_reports_the_cost_measures() {
    let o = ifss(&["run", "--reps", "3", "--json", "--no-output"]);
    let v = o.json();
    let kpis = &v["kpis"];
    for name in [
        "cost.y1",
        "cost.salary.y2",
        "cost.agency.y3",
        "cost.mileage.y1",
        "over_budget.y3",
        "cost.total",
        "over_budget.any",
        "cost_per_phase1_completion",
    ] {
        assert!(kpis[name]["mean"].is_number(), "{name}: {}", kpis[name]);
    }
    assert_eq!(kpis["cost.y1"]["unit"], "pounds");
}

#[test]
fn the_text_shows_table_audit_and_projection() {
    let o = ifss(&["costs", "--reps", "3"]);
    assert!(o.success());
    let out = &o.stdout;
    for text in [
        "Total cost of service                   £843,513    £880,764    £909,181",
        "Headroom (budget - total)                 £6,487    -£30,764    -£59,181",
        "Occupancy: £2,300 per person a year × 20 people = £46,000",
        "Projected cost over the contract: proportional policy, 3 replications",
        "P(cost > budget)",
        "Cost per family completing Phase 1",
    ] {
        assert!(out.contains(text), "missing {text:?} in:\n{out}");
    }
}

#[test]
fn a_scenario_without_costs_exits_2() {
    let o = ifss(&["costs", "mmc"]);
    assert_eq!(o.code, Some(2));
    let err = o.stderr;
    assert!(err.contains("no [costs] section"), "{err}");
}

#[test]
fn vacancies_lower_the_projected_cost_and_agency_cover_raises_it() {
    let year_costs = |sets: &[&str]| -> Vec<f64> {
        let mut args = vec!["--reps", "10", "--seed", "3"];
        for s in sets {
            args.extend_from_slice(&["--set", s]);
        }
        costs_json(&args)["projection"]["years"]
            .as_array()
            .unwrap()
            .iter()
            .map(|y| y["cost"]["mean"].as_f64().unwrap())
            .collect()
    };
    let base = year_costs(&[]);
    let more_vacancies = year_costs(&["availability.turnover_per_year=0.6"]);
    let covered = year_costs(&["costs.agency_cover=true"]);
    // Agency cover changes nothing in the simulation, only adds the cover bill, and every
    // year has some vacancy (initial recruitment, then leavers), so it costs more every year.
    for y in 0..3 {
        assert!(
            covered[y] > base[y],
            "year {}: {covered:?} vs {base:?}",
            y + 1
        );
    }
    // Five times the turnover leaves posts empty for longer: less salary is paid.
    let total = |v: &[f64]| v.iter().sum::<f64>();
    assert!(
        total(&more_vacancies) < total(&base),
        "{more_vacancies:?} vs {base:?}"
    );
}
