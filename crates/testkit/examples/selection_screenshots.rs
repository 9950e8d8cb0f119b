//! Writes the competitive-selection screenshots (docs/modules/selection.md) from the demo:
//! 骆驼街道's 2019 campaign page by page — the campaign, the exam entry, the panel and the
//! judges' paper sheets, a judge's own sheet, the evaluation ballot, the results, the
//! decisions and the committee's tally sheet, the publicity notice, the terms — and
//! 招宝山街道's registration page, each at 1366 px (`<name>.png`), 390 px
//! (`<name>-phone.png`) and in print media on an A4-wide window (`<name>-print.png`), the
//! whole page long (up to 2,400 px). A page wider than its window is reported on the
//! standard output (`OVERFLOW …`), so the pictures are checked as well as taken.
//!
//! `cargo run -p jiguan-testkit --example selection_screenshots [-- OUT_DIR]` (default
//! `docs/img`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use anyhow::Context;
use jiguan_app::people::PeopleFilter;
use jiguan_app::selection::panel::JudgeForm;
use jiguan_domain::auth::Role;
use jiguan_domain::people::PersonId;
use jiguan_testkit::thirtyfour::prelude::*;
use jiguan_testkit::{Browser, DEMO_PASSWORD, TestApp};

use common::{save, sign_in};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    common::run(shoot).await
}

async fn media(b: &Browser, m: &str) -> anyhow::Result<()> {
    b.cdp()
        .send_raw(
            "Emulation.setEmulatedMedia",
            serde_json::json!({ "media": m }),
        )
        .await?;
    Ok(())
}

/// Resizes until the page is `w` wide (a phone-sized window is measured wrong at first).
async fn width(b: &Browser, w: u32, h: u32) -> anyhow::Result<()> {
    for _ in 0..3 {
        b.set_viewport(w, h).await?;
        if b.eval("return window.innerWidth;").await?.as_u64() == Some(u64::from(w)) {
            break;
        }
    }
    Ok(())
}

/// Which widths of a page to take.
#[derive(Clone, Copy)]
enum Kinds {
    /// 1366, 390 and print.
    All,
    /// 1366 and 390 (a page with no print layout of its own).
    Screen,
    /// Print only (a print view).
    Print,
    /// 390 only (a phone page).
    Phone,
}

/// The page at `path` as `<name>.png` (1366), `<name>-phone.png` (390) and
/// `<name>-print.png` (print media, 794 px = A4 at 96 dpi), each as long as the page.
async fn shots(
    b: &Browser,
    app: &TestApp,
    out: &Path,
    path: &str,
    name: &str,
    kinds: Kinds,
) -> anyhow::Result<()> {
    let all = [
        (1366, "", format!("{name}.png")),
        (390, "", format!("{name}-phone.png")),
        (794, "print", format!("{name}-print.png")),
    ];
    for (w, m, file) in all {
        let wanted = match kinds {
            Kinds::All => true,
            Kinds::Screen => m.is_empty(),
            Kinds::Print => !m.is_empty(),
            Kinds::Phone => w == 390,
        };
        if !wanted {
            continue;
        }
        width(b, w, 900).await?;
        media(b, m).await?;
        b.goto(app.url(path)).await?;
        b.query(By::Tag("main")).first().await?;
        let v = b
            .eval(
                "const d = document.documentElement;
                 const wide = [...document.querySelectorAll('main *')]
                   .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                   .slice(0, 3).map(e => e.tagName + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));
                 return [d.scrollWidth, d.scrollHeight, wide];",
            )
            .await?;
        let (sw, sh) = (v[0].as_u64().unwrap_or(0), v[1].as_u64().unwrap_or(900));
        if sw > u64::from(w) {
            println!("OVERFLOW {file}: {sw} px wide in {w}: {}", v[2]);
        }
        let h = u32::try_from(sh.clamp(600, 2400)).unwrap_or(900);
        width(b, w, h).await?;
        save(b, out, &file).await?;
    }
    media(b, "").await?;
    width(b, 1366, 900).await?;
    Ok(())
}

async fn shoot(b: &Browser, app: &TestApp, out: &Path) -> anyhow::Result<()> {
    let a = &app.app;
    let u = app.unit_id("zhenhai", "luotuo").await?;
    let zb = app.unit_id("zhenhai", "zhaobaoshan").await?;
    let ua = a
        .login("luotuo_admin", DEMO_PASSWORD, "127.0.0.1")
        .await?
        .session
        .actor;
    let d = ua.district_id;
    let c = a
        .camp_list(&ua, u)
        .await?
        .into_iter()
        .next()
        .context("the demo's 2019 campaign")?;
    let base = format!("/units/{u}/selection/campaigns/{}", c.id);
    let meeting = a
        .sel_meetings(&ua, u)
        .await?
        .into_iter()
        .next()
        .context("the demo's committee meeting")?;
    let review = a.camp_review_view(&ua, u, c.id).await?;
    let first_app = review
        .applications
        .first()
        .context("an application")?
        .application
        .id;

    sign_in(b, app, "luotuo_admin").await?;
    shots(b, app, out, &base, "selection-campaign", Kinds::Screen).await?;
    shots(
        b,
        app,
        out,
        &format!("{base}/exam"),
        "selection-exam",
        Kinds::Screen,
    )
    .await?;
    shots(
        b,
        app,
        out,
        &format!("{base}/panel"),
        "selection-panel",
        Kinds::Screen,
    )
    .await?;
    shots(
        b,
        app,
        out,
        &format!("{base}/panel/print"),
        "selection-judge-sheets",
        Kinds::Print,
    )
    .await?;
    shots(
        b,
        app,
        out,
        &format!("{base}/evaluation/print"),
        "selection-evaluation-ballot",
        Kinds::Print,
    )
    .await?;
    shots(
        b,
        app,
        out,
        &format!("{base}/results"),
        "selection-results",
        Kinds::All,
    )
    .await?;
    shots(
        b,
        app,
        out,
        &format!("{base}/decisions"),
        "selection-decisions",
        Kinds::Screen,
    )
    .await?;
    shots(
        b,
        app,
        out,
        &format!("/units/{u}/selection/meetings/{}/tally", meeting.id),
        "selection-tally-sheet",
        Kinds::All,
    )
    .await?;
    shots(
        b,
        app,
        out,
        &format!("{base}/publicity/print"),
        "selection-publicity-notice",
        Kinds::Print,
    )
    .await?;
    shots(
        b,
        app,
        out,
        &format!("{base}/applications/{first_app}/print"),
        "selection-application-form",
        Kinds::Print,
    )
    .await?;
    shots(
        b,
        app,
        out,
        &format!("/units/{u}/selection/terms"),
        "selection-terms",
        Kinds::Screen,
    )
    .await?;

    // The officials page (考察组成员, 计票人, 监票人): an inspector married to the candidate
    // they inspect (recused at once, detected), an inspector and a counter who serve, a
    // scrutineer's declared recusal.
    {
        use jiguan_app::people::RelationForm;
        use jiguan_app::selection::officials::{OfficialForm, RecusalForm};
        let v = a.sel_officials(&ua, u, c.id).await?;
        let free = jiguan_testkit::fixtures::non_applicants(&v, &review, 4);
        let inspected = v.inspectable.first().context("a shortlisted candidate")?;
        let meeting_id = v.meetings.first().context("the meeting")?.0;
        a.add_person_relation(
            &ua,
            u,
            PersonId(free[0]),
            &RelationForm {
                relative_id: inspected.person_id.to_string(),
                relation: "spouse".into(),
            },
        )
        .await?;
        for (role, person, app_id, m) in [
            (
                "inspector",
                free[0],
                inspected.application_id.0.to_string(),
                String::new(),
            ),
            (
                "inspector",
                free[1],
                inspected.application_id.0.to_string(),
                String::new(),
            ),
            ("counter", free[2], String::new(), meeting_id.0.to_string()),
            (
                "scrutineer",
                free[3],
                String::new(),
                meeting_id.0.to_string(),
            ),
        ] {
            a.sel_official_add(
                &ua,
                u,
                c.id,
                &OfficialForm {
                    role: role.into(),
                    person_id: person.to_string(),
                    application_id: app_id,
                    meeting_id: m,
                },
            )
            .await?;
        }
        let scrutineer = a
            .sel_officials(&ua, u, c.id)
            .await?
            .officials
            .last()
            .context("the scrutineer")?
            .official
            .id;
        a.sel_official_recuse(
            &ua,
            u,
            c.id,
            scrutineer,
            &RecusalForm {
                recusal_category: "other".into(),
                recusal_source: "declared".into(),
                reason: "与被表决人选同在一个村民小组，本人申请回避".into(),
            },
        )
        .await?;
        shots(
            b,
            app,
            out,
            &format!("{base}/officials"),
            "selection-officials",
            Kinds::Screen,
        )
        .await?;
        // The person page's relations section (亲属关系), the recorded spouse.
        width(b, 1366, 900).await?;
        b.goto(app.url(&format!("/units/{u}/people/{}", free[0])))
            .await?;
        let section = b.query(By::Id("person-relations")).first().await?;
        section.scroll_into_view().await?;
        let path = out.join("people-relations.png");
        section.screenshot(&path).await?;
        println!("wrote {}", path.display());
    }

    // 试用期满考核: an elected candidate appointed on the first day allowed, then the
    // probation-end evaluation page.
    {
        use jiguan_app::selection::appointment::AppointForm;
        use jiguan_app::selection::decision::Outcome;
        let v = a.dec_view(&ua, u, c.id).await?;
        let x = v
            .candidates
            .iter()
            .find(|x| x.outcome == Outcome::Elected && x.candidate.earliest_appointment.is_some())
            .context("an elected candidate")?;
        let on = x.candidate.earliest_appointment.context("publicised")?;
        a.dec_appoint(
            &ua,
            u,
            c.id,
            x.candidate.id,
            &AppointForm {
                appointed_on: on.to_string(),
                doc_no: "骆工委〔2019〕21号".into(),
            },
        )
        .await?;
        shots(
            b,
            app,
            out,
            &format!("/units/{u}/selection/terms/{}/probation", x.candidate.id),
            "selection-probation",
            Kinds::Screen,
        )
        .await?;
    }

    // A judge's own sheet, on a phone: a judge added with a one-time code (the demo's
    // seven scored on paper).
    let (_, code) = a
        .sel_judge_add(
            &ua,
            u,
            c.id,
            &JudgeForm {
                name: "外聘专家·示例评委".into(),
                ..JudgeForm::default()
            },
        )
        .await?;
    let code = code.context("a code judge gets a code")?;
    b.delete_all_cookies().await?;
    width(b, 390, 900).await?;
    b.goto(app.url("/selection/judge")).await?;
    b.find(By::Id("code")).await?.send_keys(&code).await?;
    b.find(By::Id("sc-code-submit")).await?.click().await?;
    // First the recusal declaration (none), then the sheet.
    b.query(By::Id("sc-recusal-submit"))
        .first()
        .await?
        .click()
        .await?;
    b.query(By::Id("sc-sheet")).first().await?;
    let h = b
        .eval("return document.documentElement.scrollHeight;")
        .await?;
    let h = u32::try_from(h.as_u64().unwrap_or(900).clamp(600, 2400)).unwrap_or(900);
    width(b, 390, h).await?;
    save(b, out, "selection-judge-sheet-phone.png").await?;

    // Registration on a phone: a staff account of 招宝山街道 (registration open), linked
    // to a person who has not applied yet.
    let uid = a
        .system_create_user(
            d,
            Some(zb),
            "zhaobaoshan_staff",
            "招宝山街道工作人员",
            &[Role::Staff],
            DEMO_PASSWORD,
            false,
        )
        .await?;
    let zc = a
        .camp_list(
            &jiguan_domain::auth::Actor {
                unit_id: Some(zb),
                ..ua.clone()
            },
            zb,
        )
        .await?
        .into_iter()
        .next()
        .context("招宝山街道's campaign")?;
    let applied: Vec<i64> = a
        .store
        .app_list(jiguan_app::selection::campaign::CampaignAt::new(
            d, zb, zc.id,
        ))
        .await?
        .iter()
        .map(|x| x.person_id)
        .collect();
    let people = a
        .store
        .export_people(
            d,
            &PeopleFilter {
                unit_id: Some(zb),
                home_only: true,
                ..PeopleFilter::default()
            },
        )
        .await?;
    let p = people
        .iter()
        .find(|p| !p.leader && !applied.contains(&p.id))
        .context("a person of 招宝山街道")?;
    let audit = a
        .system_audit(d)
        .unit(Some(zb))
        .did(jiguan_domain::audit::AuditAction::UserLinkPerson)
        .on(jiguan_domain::audit::ObjectKind::User, uid)
        .after(&serde_json::json!({ "person_id": p.id }));
    a.store
        .set_user_person(d, uid, Some(PersonId(p.id)), audit)
        .await?;
    width(b, 1366, 900).await?;
    sign_in(b, app, "zhaobaoshan_staff").await?;
    shots(
        b,
        app,
        out,
        &format!("/units/{zb}/selection/register"),
        "selection-registration",
        Kinds::Phone,
    )
    .await?;
    Ok(())
}
