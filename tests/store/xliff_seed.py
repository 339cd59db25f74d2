"""An edition in the store for the XLIFF tests: links, emphasis, front matter and QA findings."""

from __future__ import annotations

from editions.document import Article, Block, Edition, EditionBlock, Mark, Provenance
from editions.qa import BlockPair, QaContext, check_block
from editions.store.db import Store
from editions.store.queue import Submission, SubmittedArticle, claim_task, complete_task, submit_job

PROVENANCE = Provenance(
    engine="seeded", model="none", model_sha256="ab" * 32, prompt_version="p-test", package_version="0"
)

ARTICLE = Article(
    source_lang="en",
    headline="Council approves budget",
    standfirst="The city will spend more on schools.",
    dateline="LYON, 3 March",
    blocks=[
        Block(
            id="b1",
            text="The <a1>council</a1> voted <em2>on Tuesday</em2> to approve the budget.",
            marks={
                "a1": Mark(kind="link", href="https://example.org/council?a=1&b=2"),
                "em2": Mark(kind="em"),
            },
        ),
        Block(id="b2", text="Spending rises by 12 percent.", kind="paragraph"),
        Block(
            id="b3",
            text="<b1>Schools</b1> get <a2>most of it</a2>.",
            marks={"b1": Mark(kind="strong"), "a2": Mark(kind="link", href="https://example.org/schools")},
        ),
        Block(id="b4", text="The mayor said it was fair.", kind="quote"),
    ],
)

TRANSLATIONS = {
    "headline": "Le conseil approuve le budget",
    "standfirst": "La ville dépensera plus pour les écoles.",
    "dateline": "LYON, 3 mars",
    # 15 instead of 12: a number finding for the notes
    "b1": "Le <a1>conseil</a1> a voté <em2>mardi</em2> pour approuver le budget.",
    "b2": "Les dépenses augmentent de 15 %.",
    "b3": "Les <b1>écoles</b1> en reçoivent <a2>la plus grande part</a2>.",
    "b4": "Le maire a dit que c'était juste.",
}


def seed(
    store: Store, article: Article = ARTICLE, lang: str = "fr", texts: dict[str, str] | None = None
) -> tuple[str, str]:
    """(job id, edition id) of a finished edition of `article`, QA run on the hand-written text."""
    texts = texts or TRANSLATIONS
    job_id, _ = submit_job(store, Submission([SubmittedArticle(article)], [lang], owner="local"))
    task = claim_task(store, "seed", 30)
    assert task is not None
    qa = QaContext("en", lang)
    front = [s for s in ("headline", "standfirst", "dateline") if getattr(article, s)]
    edition = Edition(
        article_id=article.id,
        source_lang="en",
        target_lang=lang,
        headline=texts["headline"],
        source_headline=article.headline,
        standfirst=texts.get("standfirst"),
        dateline=texts.get("dateline"),
        blocks=[
            EditionBlock(
                source_id=b.id,
                kind=b.kind,
                text=texts[b.id],
                marks=dict(b.marks),
                findings=check_block(BlockPair(b.id, b.text, texts[b.id], b.marks), qa),
            )
            for b in article.blocks
        ],
        findings=[f for s in front for f in check_block(BlockPair(s, getattr(article, s), texts[s], {}), qa)],
        provenance=PROVENANCE,
    )
    edition_id = complete_task(store, task, "seed", edition)
    assert edition_id is not None
    return job_id, edition_id
