"""Every word printed on a voting card, in Arabic, Kurdish (Kurmanji, Latin script) and English.

The terms are the booth's (web/src/i18n.js): the voter reads "voting code", "election
fingerprint", "tracker" and "receipt" on the card and finds the same words on the screen.
The Arabic is written without vowel marks, as official print is; that also keeps the text that
a PDF reader extracts equal to what is written here.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CardTexts", "TEXTS"]


@dataclass(frozen=True, slots=True)
class CardTexts:
    """The fixed texts of a card in one language."""

    heading: str
    serial: str
    district: str
    voter: str
    code: str
    code_note: str
    secret: str
    qr: str
    address: str
    fingerprint: str
    fingerprint_note: str
    vote_heading: str
    vote_steps: tuple[str, str, str]
    revote_heading: str
    revote: str
    check_heading: str
    check: str
    footer: str


TEXTS: dict[str, CardTexts] = {
    "en": CardTexts(
        heading="Voting card",
        serial="Card no.",
        district="Home district",
        voter="Voter",
        code="Your voting code",
        code_note="A code has no letter O, I or L: what looks like one is the digit 0 or 1.",
        secret=(
            "Keep this code secret. Nobody may ask you for it: not an official, a party, "
            "an employer or a relative. Whoever knows it can vote in your place."
        ),
        qr="Scan to open the voting booth",
        address="or type this address:",
        fingerprint="Election fingerprint",
        fingerprint_note=(
            "The voting booth shows the same fingerprint: it must match this one, "
            "character for character."
        ),
        vote_heading="How to vote",
        vote_steps=(
            "Open the voting booth: scan the QR code, or type the address printed under it.",
            "Check that the election fingerprint the booth shows is the one printed on this "
            "card. If it is not, do not vote on that device and tell the election observers.",
            "Type your voting code, make your choices and cast your ballot.",
        ),
        revote_heading="Voting again",
        revote=(
            "You may vote again with the same code, as often as you wish, until voting "
            "closes. Only your last ballot counts: it replaces the earlier ones. If someone "
            "pressured you or watched you vote, vote again later, alone."
        ),
        check_heading="Checking your ballot",
        check=(
            "When you cast your ballot, the booth shows its tracker and gives you a receipt. "
            "Keep both: with the tracker you find your ballot on the public bulletin board, "
            "and the receipt proves that the board recorded it. Before casting, you may also "
            "challenge (audit) a ballot to check that the device encrypted your choices "
            "correctly; a challenged ballot is never counted."
        ),
        footer=(
            "This card is personal: keep it in a safe place until the results are announced, "
            "and give it to nobody."
        ),
    ),
    "ar": CardTexts(
        heading="بطاقة الاقتراع",
        serial="رقم البطاقة",
        district="الدائرة الانتخابية",
        voter="الناخب",
        code="رمز الاقتراع الخاص بك",
        code_note="لا يحتوي الرمز على الأحرف O وI وL، فما يشبهها هو الرقم 0 أو 1.",
        secret=(
            "حافظ على سرية هذا الرمز. لا يحق لأحد أن يطلبه منك، لا موظف ولا حزب ولا صاحب "
            "عمل ولا قريب. من يعرف رمزك يستطيع أن يصوت مكانك."
        ),
        qr="امسح رمز QR لفتح مركز الاقتراع الإلكتروني",
        address="أو اكتب هذا العنوان:",
        fingerprint="بصمة الانتخابات",
        fingerprint_note=("يعرض مركز الاقتراع البصمة نفسها، ويجب أن تطابق هذه البصمة حرفا بحرف."),
        vote_heading="كيف تصوت",
        vote_steps=(
            "افتح مركز الاقتراع الإلكتروني: امسح رمز QR أو اكتب العنوان المطبوع تحته.",
            "تأكد من أن بصمة الانتخابات التي يعرضها مركز الاقتراع هي البصمة المطبوعة على "
            "هذه البطاقة. فإن لم تكن كذلك فلا تصوت على ذلك الجهاز وأبلغ مراقبي الانتخابات.",
            "اكتب رمز الاقتراع، ثم حدد اختياراتك، ثم أدل بورقتك.",
        ),
        revote_heading="التصويت مرة أخرى",
        revote=(
            "يمكنك أن تصوت من جديد بالرمز نفسه كلما شئت حتى إغلاق باب الاقتراع. لا تحتسب "
            "إلا آخر ورقة تدلي بها، وهي تحل محل ما قبلها. وإذا ضغط عليك أحد أو راقبك وأنت "
            "تصوت، فصوت مرة أخرى لاحقا وأنت وحدك."
        ),
        check_heading="كيف تتحقق من ورقتك",
        check=(
            "عندما تدلي بورقتك يعرض مركز الاقتراع رمز تتبعها ويعطيك إيصالا، فاحتفظ بهما: "
            "برمز التتبع تجد ورقتك في لوحة النشر العامة، والإيصال يثبت أن لوحة النشر سجلتها. "
            "ويمكنك قبل الإدلاء بورقتك أن تعترض على ورقة (تدققها) لتتأكد من أن الجهاز شفر "
            "اختياراتك تشفيرا صحيحا، والورقة المدققة لا تحتسب أبدا."
        ),
        footer="هذه البطاقة شخصية: احفظها في مكان آمن حتى إعلان النتائج، ولا تعطها لأحد.",
    ),
    "ku": CardTexts(
        heading="Karta dengdanê",
        serial="Hejmara kartê",
        district="Herêma hilbijartinê",
        voter="Dengder",
        code="Koda te ya dengdanê",
        code_note="Di kodê de tîpên O, I û L tune ne: ya ku dişibe wan, hejmara 0 an 1 ye.",
        secret=(
            "Vê kodê veşartî bihêle. Tu kes nikare wê ji te bixwaze: ne karmendek, ne "
            "partiyek, ne kardêrek û ne jî xizmek. Kî koda te bizane, dikare li şûna te deng "
            "bide."
        ),
        qr="Ji bo vekirina cihê dengdanê, koda QR skan bike",
        address="an jî vê navnîşanê binivîse:",
        fingerprint="Şopa tiliyê ya hilbijartinê",
        fingerprint_note=(
            "Cihê dengdanê heman şopa tiliyê nîşan dide: divê ew tîp bi tîp bi vê re li hev were."
        ),
        vote_heading="Çawa deng bidî",
        vote_steps=(
            "Cihê dengdanê veke: koda QR skan bike, an jî navnîşana ku di bin wê de çapkirî "
            "ye binivîse.",
            "Kontrol bike ku şopa tiliyê ya hilbijartinê ya ku cihê dengdanê nîşan dide, ya "
            "li ser vê kartê ye. Heke ne wisa be, li ser wê amûrê deng nede û ji çavdêrên "
            "hilbijartinê re bibêje.",
            "Koda xwe ya dengdanê binivîse, hilbijartinên xwe bike û bi pusulaya xwe deng bide.",
        ),
        revote_heading="Dîsa dengdan",
        revote=(
            "Heta ku dengdan bi dawî bibe, tu dikarî bi heman kodê çiqas bixwazî dîsa deng "
            "bidî. Tenê pusulaya te ya dawî tê hesibandin: ew cihê yên berê digire. Heke "
            "kesekî zext li te kiribe an jî dema tu deng didî li te temaşe kiribe, paşê bi "
            "tena serê xwe dîsa deng bide."
        ),
        check_heading="Kontrolkirina pusulaya te",
        check=(
            "Dema tu bi pusulaya xwe deng didî, cihê dengdanê koda wê ya şopandinê nîşan dide "
            "û meqbûzekê dide te. Herduyan biparêze: bi koda şopandinê tu pusulaya xwe li ser "
            "tabloya giştî dibînî, û meqbûz îspat dike ku tabloyê ew tomar kiriye. Berî "
            "dengdanê, tu dikarî li pusulayekê îtiraz bikî (kontrol bikî) jî, da ku bibînî ka "
            "amûrê hilbijartinên te rast şîfre kirine an na; pusulaya kontrolkirî qet nayê "
            "hesibandin."
        ),
        footer=(
            "Ev kart kesane ye: heta ku encam têne ragihandin, wê li cihekî ewle biparêze û "
            "nede tu kesî."
        ),
    ),
}
