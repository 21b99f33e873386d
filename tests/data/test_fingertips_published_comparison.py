"""The Fingertips loader keeps OHID's own published comparison with England (Fingertips' RAG)."""

from phna import data


def test_published_comparison_is_kept_and_normalised(mirror):
    under75 = data.fingertips(93721)
    assert set(under75["compared_to_england"].dropna()) <= {"better", "similar", "worse", "not compared"}
    coventry = under75[(under75["area_code"] == "E08000026") & (under75["sex"] == "persons")]
    # Coventry's under-75 preventable mortality is published as significantly worse than England (2022-2024 rows).
    assert (coventry.set_index("period").loc[["2022", "2023", "2024"], "compared_to_england"] == "worse").all()
    england = under75[under75["area_code"] == "E92000001"]
    assert (england["compared_to_england"] == "not compared").all()


def test_dashboard_extracts_use_their_significance_column(mirror):
    cancer = data.fingertips(40502)
    assert cancer["compared_to_england"].notna().any()
