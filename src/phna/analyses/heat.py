"""Health Equity Assessment Tool (HEAT) for a place, with the answers the data can give filled in.

OHID's HEAT asks a set of questions about the health inequalities a plan touches. This module answers the
ones the book's data can answer, from the book's own analyses (never re-computed here):

1. Who is affected? Core20 population (:func:`phna.analyses.overview.deprivation`, chosen deprivation index).
2. Which groups experience worse outcomes? Life expectancy across neighbourhoods and the slope index of
   inequality (:func:`phna.analyses.life_expectancy.within_place`); mostly-Core20 against other
   neighbourhoods (:func:`phna.analyses.core20.msoa_comparison`).
3. What drives the gap? Deprivation domains (:func:`phna.analyses.wider_determinants.domains`) and
   wider-determinant indicators against England (:func:`phna.analyses.wider_indicators.indicator_table`).
4. What would reduce it, and what could the plan do? Prompts for local input, with the numbers above.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from phna import data
from phna.analyses import core20, life_expectancy, overview, wider_determinants, wider_indicators
from phna.findings import Finding


@dataclass
class Question:
    number: int
    question: str
    answers: list[str]  # sentences written from the findings records
    local_input: list[str]  # prompts where local knowledge is needed
    unavailable: list[str] = field(default_factory=list)  # what the data could not give, and why


@dataclass
class HeatResult:
    questions: list[Question]
    core20: pd.DataFrame
    sii: pd.DataFrame
    extremes: pd.DataFrame
    domains: pd.DataFrame
    indicators: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)


def _attempt(func, *args):
    """Run one analysis; on a data problem return (None, message) so the page says what is missing."""
    try:
        return func(*args), None
    except (data.DataError, ValueError, KeyError) as exc:
        return None, str(exc)


def _sentences(items) -> list[str]:
    """Sentences of findings records (or plain sentences from analyses that still return them)."""
    return [i.sentence if isinstance(i, Finding) else str(i) for i in items if i]


def _records(items) -> list[Finding]:
    return [i for i in items if isinstance(i, Finding)]


def assessment(params) -> HeatResult:
    """Answer HEAT's questions for the place from the book's analyses (records ranked for the key findings)."""
    dep, dep_error = _attempt(overview.deprivation, params)
    within, le_error = _attempt(life_expectancy.within_place, params)
    msoas, msoa_error = _attempt(core20.msoa_comparison, params)
    doms, dom_error = _attempt(wider_determinants.domains, params)
    inds, ind_error = _attempt(wider_indicators.indicator_table, params)

    # 1. who is affected
    q1 = Question(1, "Who is affected? Which people in the place live in the most deprived areas?", [], [
        "Which PLUS groups (for example ethnic minority communities, inclusion health groups, people with a "
        "learning disability) does the plan reach, and how many people in each?",
        "Which services or settings do these groups use, and where are the gaps in access?",
    ])
    if dep is not None:
        q1.answers += _sentences(f for f in dep.findings if f.key in ("core20", "deprivation/deciles"))
    else:
        q1.unavailable.append(f"Core20 population: {dep_error}")

    # 2. which groups have worse outcomes
    q2 = Question(2, "Which groups experience worse outcomes, and how large is the gap?", [], [
        "What do local services' data (by ethnicity, age, sex, disability, deprivation) show about access, "
        "experience and outcomes for the plan's subject?",
    ])
    sii = extremes = pd.DataFrame()
    if within is not None:
        q2.answers += _sentences(within.findings)
        q2.unavailable += list(within.notes)
        sii, extremes = within.sii, within.extremes
    else:
        q2.unavailable.append(f"Life expectancy within the place: {le_error}")
    if msoas is not None:
        q2.answers += _sentences(msoas.findings)
    else:
        q2.unavailable.append(f"Core20 neighbourhood comparison: {msoa_error}")

    # 3. what drives the gap
    q3 = Question(3, "What drives the gap? Which wider determinants stand out?", [], [
        "Which of these determinants can the plan influence directly, and which through partners (council, "
        "housing, employers, voluntary sector)?",
    ])
    domain_table = indicator_table = pd.DataFrame()
    if doms is not None and len(doms.table):
        q3.answers += _sentences(doms.findings)
        domain_table = doms.table
    else:
        q3.unavailable.append(f"Deprivation domains: {dom_error or 'no data for this place'}")
    if inds is not None:
        q3.answers += _sentences(f for f in inds.findings if f.significant)
        indicator_table = inds.table
        q3.unavailable += [f"{title}: {why}" for title, why in inds.unavailable]
    else:
        q3.unavailable.append(f"Wider-determinant indicators: {ind_error}")

    # 4. what would reduce it
    q4 = Question(4, "What would reduce the gap, and what could the plan do?", [], [
        "What will the plan do differently for the Core20 population and the PLUS groups (proportionate "
        "universalism: more for those with greater need, along the whole gradient)?",
        "Which of the five clinical areas (maternity, severe mental illness, chronic respiratory disease, early "
        "cancer diagnosis, hypertension) and smoking cessation does the plan touch?",
        "How will the plan measure its effect on the gap (indicators, baseline, breakdown by deprivation)?",
        "Who has been involved (residents, communities, staff), and what did they say?",
    ])
    if dep is not None:
        c = dep.core20.iloc[0]
        share = f"{float(c['value']):.1f} % of residents live" if dep.counts_people else "lie"
        q4.answers.append(
            f"A plan for {params.name} that is proportionate to deprivation would give a larger share to the "
            f"{int(c['lsoas_in_core20'])} Core20 small areas ({dep.label}), where {share}; the ICB's proportionate "
            "universalism page shows how a budget would be shared by need."
        )
    questions = [q1, q2, q3, q4]
    findings = _records([*(dep.findings if dep is not None else []), *(within.findings if within is not None else []),
                         *(msoas.findings if msoas is not None else []), *(doms.findings if doms is not None else []),
                         *(inds.findings if inds is not None else [])])
    return HeatResult(
        questions=questions,
        core20=dep.core20 if dep is not None else pd.DataFrame(),
        sii=sii,
        extremes=extremes,
        domains=domain_table,
        indicators=indicator_table,
        findings=findings,
    )


def question_markdown(question: Question) -> str:
    """The question, the data's answers, what could not be answered, and the local-input prompts (admonition)."""
    lines = [f"## {question.number}. {question.question}", ""]
    if question.answers:
        lines += ["**What the data show**", ""] + [f"- {a}" for a in question.answers] + [""]
    if question.unavailable:
        lines += ["**What the data cannot show here**", ""] + [f"- {u}" for u in question.unavailable] + [""]
    lines += [":::{admonition} For local input", ":class: important", ""]
    lines += [f"- {p}" for p in question.local_input]
    lines += ["", ":::", ""]
    return "\n".join(lines)
