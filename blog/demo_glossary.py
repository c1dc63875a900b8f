"""The demo site's glossary: words its guides use, defined in plain language.

Definitions were drafted from the research notes in
docs/research/references-for-demo-guides.md (section D) and need a clinical
reviewer's check before a real site relies on them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoTerm:
    slug: str
    term: str
    synonyms: tuple[str, ...]
    definition: str


TERMS = (
    DemoTerm(
        "monoamine-oxidase-inhibitor",
        "Monoamine oxidase inhibitor",
        ("MAOI", "MAO inhibitor"),
        "A type of antidepressant that blocks an enzyme which normally breaks down some of "
        "the brain's chemical messengers, so that more of them stay active.",
    ),
    DemoTerm(
        "ssri",
        "SSRI",
        ("selective serotonin reuptake inhibitor",),
        "A common type of antidepressant that mainly increases the amount of serotonin "
        "available in the brain.",
    ),
    DemoTerm(
        "snri",
        "SNRI",
        (
            "serotonin-noradrenaline reuptake inhibitor",
            "serotonin-norepinephrine reuptake inhibitor",
        ),
        "A type of antidepressant that increases both serotonin and noradrenaline.",
    ),
    DemoTerm(
        "tricyclic-antidepressant",
        "Tricyclic antidepressant",
        ("TCA",),
        "An older group of antidepressants, some of which strongly raise serotonin and must "
        "not be combined with MAOIs.",
    ),
    DemoTerm(
        "tyramine",
        "Tyramine",
        (),
        "A natural substance that forms in aged, fermented or spoiled foods and can push "
        "blood pressure up sharply in someone taking an MAOI.",
    ),
    DemoTerm(
        "hypertensive-crisis",
        "Hypertensive crisis",
        ("hypertensive reaction",),
        "A sudden, dangerous rise in blood pressure that needs emergency treatment.",
    ),
    DemoTerm(
        "serotonin-syndrome",
        "Serotonin syndrome",
        ("serotonin toxicity",),
        "A potentially dangerous reaction, usually from combining medicines that raise "
        "serotonin, causing symptoms such as agitation, sweating, shivering, fever and muscle "
        "twitching or stiffness.",
    ),
    DemoTerm(
        "washout-period",
        "Washout period",
        ("washout", "wash-out"),
        "A planned gap between stopping one medicine and starting another, so that the first "
        "has cleared from the body and the two cannot interact.",
    ),
    DemoTerm(
        "electroconvulsive-therapy",
        "Electroconvulsive therapy",
        ("ECT",),
        "A treatment for severe depression, given under a general anaesthetic, in which a "
        "brief, controlled electrical current passed through the brain causes a short seizure.",
    ),
    DemoTerm(
        "esketamine",
        "Esketamine",
        (),
        "A form of ketamine given as a nasal spray under medical supervision, alongside an "
        "antidepressant, for depression that other treatments have not helped.",
    ),
    DemoTerm(
        "treatment-resistant-depression",
        "Treatment-resistant depression",
        ("TRD", "refractory depression"),
        "Depression that has not improved enough after trying at least two different "
        "antidepressants at an adequate dose for long enough.",
    ),
    DemoTerm(
        "augmentation",
        "Augmentation",
        ("add-on treatment",),
        "Adding a second medicine to an antidepressant to boost its effect, rather than "
        "replacing it.",
    ),
    DemoTerm(
        "lithium-toxicity",
        "Lithium toxicity",
        ("lithium poisoning",),
        "Harm caused by too much lithium in the blood, with signs such as coarse shaking, "
        "vomiting, diarrhoea, unsteadiness, slurred speech and confusion.",
    ),
    DemoTerm(
        "nsaid",
        "NSAID",
        ("non-steroidal anti-inflammatory drug",),
        "A common painkiller, such as ibuprofen or naproxen, that also reduces inflammation "
        "and can make the kidneys hold on to lithium.",
    ),
    DemoTerm(
        "phenelzine",
        "Phenelzine",
        ("Nardil",),
        "An older, irreversible MAOI antidepressant; Nardil is a brand name.",
    ),
    DemoTerm(
        "withdrawal-symptoms",
        "Withdrawal symptoms",
        ("discontinuation symptoms",),
        "Unpleasant physical or mental symptoms that can happen when a medicine is stopped or "
        "reduced too quickly.",
    ),
)
