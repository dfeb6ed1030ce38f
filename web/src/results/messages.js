// Every text of the results page in Arabic (right to left), Kurdish (Kurmanji) and English.
// Placeholders are {name}: numbers are formatted for the language, texts are isolated
// (U+2068 … U+2069) so that a Latin id or hex inside Arabic keeps its own direction.

import { LANGUAGES, direction, formatMessage, formatNumber, preferredLanguage } from '../i18n.js';

export { LANGUAGES, direction, preferredLanguage };

export const MESSAGES = {
  en: {
    page_title: 'Election results',
    skip_link: 'Skip to the results',
    language_label: 'Language',
    loading: 'Loading the results…',
    no_election: 'No election is named in the address: add ?election= and its id.',
    load_failed: 'The results could not be loaded: {detail}',
    state_setup: 'The election is being set up: voting has not started.',
    state_open: 'Voting is open.',
    state_closed: 'Voting is closed: the trustees are decrypting the tally.',
    state_decrypted: 'Final result, decrypted by the trustees.',
    fingerprint_label: 'Election fingerprint',
    fingerprint_help: 'Compare it with the fingerprint published by the election authority and the observers.',
    head_heading: 'The bulletin board',
    head_size: 'Entries on the board',
    head_root: 'Root hash',
    head_time: 'Signed at',
    head_key: "Board's key",
    head_ok: "The board's signature on this tree head was checked in this browser.",
    download: 'Download the election record (ZIP)',
    download_help: 'Anyone can check every number on this page with the record alone: openballot verify RECORD.',
    results_heading: 'Results',
    rule_seats: 'Seats: {seats}, shared by {method}.',
    rule_no_seats: 'Votes per option.',
    method_plurality: 'plurality (the options with the most votes win)',
    method_dhondt: "the D'Hondt method",
    'method_sainte-lague': 'the Sainte-Laguë method',
    method_hare: 'largest remainders (Hare quota)',
    threshold: 'Options below {percent} of the votes take no seat.',
    seat_caption: 'Seats: {contest}',
    votes_caption: 'Votes: {contest}',
    col_option: 'Option',
    col_votes: 'Votes',
    col_share: 'Share',
    col_seats: 'Seats',
    col_status: 'Result',
    status_won: 'Wins a seat',
    status_excluded: 'Below the threshold',
    status_none: '—',
    total: 'Total',
    excluded_line: 'Below the threshold, no seat: {options}.',
    unfilled_line: 'Seats nobody could take: {n}.',
    tie_line:
      'Tie for seat {first} ({seats} to share) between {options}. The public draw, which anyone can recompute from the record, put them in this order: {order}. The seat goes to: {winners}.',
    blank_caption: 'Blank selections: {contest}',
    col_district: 'District',
    col_counting: 'Counting ballots',
    col_blank: 'Blank selections',
    turnout_heading: 'Turnout by district',
    turnout_caption: 'Turnout by district: counting ballots out of the voting credentials issued',
    col_registered: 'Registered voters',
    col_credentials: 'Voting credentials',
    col_turnout: 'Turnout',
    col_turnout_registered: 'Of registered voters',
    not_given: 'not given',
    all_districts: 'All districts',
    live_heading: 'Live observer view',
    live_intro:
      'This view shows how many encrypted ballots the board has recorded, never how anyone voted: the votes stay encrypted until the tally.',
    activity_caption: 'Ballots recorded per district, in intervals of {minutes} minutes (re-votes included)',
    activity_empty: 'No ballot has been recorded yet.',
    col_time: 'From',
    activity_axis: 'ballots so far',
    monitor_heading: 'Checked in this browser',
    monitor_waiting: 'Checking the board…',
    monitor_ok:
      '{n} tree heads checked since {time}: each is signed by the board, and each extends the one before (consistency proof).',
    monitor_alarm:
      'ALARM: the board failed a check: {detail}. The board may have rewritten its history. Keep this page open, save it, and tell the observers.',
    monitor_retry: 'The board did not answer; trying again.',
    monitor_failed: 'A check failed: see the alarm at the top of the page.',
    static_note:
      'This copy was written from the election record, as it is. Verify the record (openballot verify) before relying on it.',
    footer: 'OpenBallot: an end-to-end verifiable election. Every number here can be checked from the public record.',
  },
  ar: {
    page_title: 'نتائج الانتخابات',
    skip_link: 'انتقل إلى النتائج',
    language_label: 'اللغة',
    loading: 'جارٍ تحميل النتائج…',
    no_election: 'لم يُذكر أي انتخاب في العنوان: أضف ‎?election=‎ ومعرّفه.',
    load_failed: 'تعذّر تحميل النتائج: {detail}',
    state_setup: 'الانتخاب قيد الإعداد: لم يبدأ التصويت بعد.',
    state_open: 'التصويت مفتوح.',
    state_closed: 'أُغلق التصويت: الأمناء يفكّون تشفير الفرز.',
    state_decrypted: 'النتيجة النهائية، فكّ الأمناء تشفيرها.',
    fingerprint_label: 'البصمة الرقمية للانتخاب',
    fingerprint_help: 'قارنها بالبصمة التي نشرتها الهيئة الانتخابية والمراقبون.',
    head_heading: 'لوحة النشر العامة',
    head_size: 'عدد القيود على اللوحة',
    head_root: 'التجزئة الجذرية',
    head_time: 'وقت التوقيع',
    head_key: 'مفتاح اللوحة',
    head_ok: 'تم التحقق في هذا المتصفح من توقيع اللوحة على رأس الشجرة هذا.',
    download: 'تنزيل سجل الانتخاب (ZIP)',
    download_help: 'يستطيع أي شخص التحقق من كل رقم في هذه الصفحة بالسجل وحده: openballot verify RECORD.',
    results_heading: 'النتائج',
    rule_seats: 'عدد المقاعد: {seats}، تُوزَّع وفق {method}.',
    rule_no_seats: 'الأصوات لكل خيار.',
    method_plurality: 'الأغلبية النسبية (تفوز الخيارات الحاصلة على أكثر الأصوات)',
    method_dhondt: 'طريقة دونت',
    'method_sainte-lague': 'طريقة سانت لاغي',
    method_hare: 'أكبر البواقي (حصة هير)',
    threshold: 'الخيارات التي تقل عن {percent} من الأصوات لا تنال مقعدًا.',
    seat_caption: 'المقاعد: {contest}',
    votes_caption: 'الأصوات: {contest}',
    col_option: 'الخيار',
    col_votes: 'الأصوات',
    col_share: 'النسبة',
    col_seats: 'المقاعد',
    col_status: 'النتيجة',
    status_won: 'يفوز بمقعد',
    status_excluded: 'دون العتبة',
    status_none: '—',
    total: 'المجموع',
    excluded_line: 'دون العتبة، بلا مقعد: {options}.',
    unfilled_line: 'مقاعد لم يستطع أحد نيلها: {n}.',
    tie_line:
      'تعادل على المقعد {first} ({seats} للتوزيع) بين {options}. رتّبتهم القرعة العلنية، التي يستطيع أي شخص إعادة حسابها من السجل، بهذا الترتيب: {order}. يذهب المقعد إلى: {winners}.',
    blank_caption: 'الاختيارات الفارغة: {contest}',
    col_district: 'الدائرة',
    col_counting: 'الأوراق المحتسبة',
    col_blank: 'الاختيارات الفارغة',
    turnout_heading: 'نسبة المشاركة حسب الدائرة',
    turnout_caption: 'نسبة المشاركة حسب الدائرة: الأوراق المحتسبة من بين بيانات الاقتراع الصادرة',
    col_registered: 'الناخبون المسجلون',
    col_credentials: 'بيانات الاقتراع',
    col_turnout: 'المشاركة',
    col_turnout_registered: 'من الناخبين المسجلين',
    not_given: 'غير محدد',
    all_districts: 'كل الدوائر',
    live_heading: 'عرض المراقبة المباشر',
    live_intro:
      'يعرض هذا القسم عدد الأوراق المشفّرة التي سجّلتها اللوحة، ولا يعرض أبدًا كيف صوّت أحد: تبقى الأصوات مشفّرة حتى الفرز.',
    activity_caption: 'الأوراق المسجّلة لكل دائرة، في فترات من {minutes} دقائق (مع إعادة التصويت)',
    activity_empty: 'لم تُسجَّل أي ورقة بعد.',
    col_time: 'من',
    activity_axis: 'الأوراق حتى الآن',
    monitor_heading: 'ما تم التحقق منه في هذا المتصفح',
    monitor_waiting: 'جارٍ التحقق من اللوحة…',
    monitor_ok:
      'تم التحقق من {n} من رؤوس الشجرة منذ {time}: كلٌّ منها موقَّع من اللوحة، وكلٌّ منها امتداد لما قبله (إثبات الاتساق).',
    monitor_alarm:
      'إنذار: فشلت اللوحة في أحد الفحوص: {detail}. ربما أعادت اللوحة كتابة سجلها. أبقِ هذه الصفحة مفتوحة واحفظها وأبلغ المراقبين.',
    monitor_retry: 'لم تُجب اللوحة؛ نحاول مرة أخرى.',
    monitor_failed: 'فشل أحد الفحوص: انظر الإنذار أعلى الصفحة.',
    static_note: 'كُتبت هذه النسخة من سجل الانتخاب كما هو. تحقّق من السجل (openballot verify) قبل الاعتماد عليها.',
    footer: 'OpenBallot: انتخاب قابل للتحقق من طرف إلى طرف. يمكن التحقق من كل رقم هنا من السجل العام.',
  },
  ku: {
    page_title: 'Encamên hilbijartinê',
    skip_link: 'Here encaman',
    language_label: 'Ziman',
    loading: 'Encam tên barkirin…',
    no_election: 'Di navnîşanê de tu hilbijartin nehatiye navkirin: ?election= û nasnameya wê lê zêde bike.',
    load_failed: 'Encam nehatin barkirin: {detail}',
    state_setup: 'Hilbijartin tê amadekirin: dengdan hîn dest pê nekiriye.',
    state_open: 'Dengdan vekirî ye.',
    state_closed: 'Dengdan girtî ye: emîn şîfreya hejmartinê vedikin.',
    state_decrypted: 'Encama dawî: emînan şîfreya hejmartinê vekir.',
    fingerprint_label: 'Şopa tiliyê ya hilbijartinê',
    fingerprint_help: 'Wê bi şopa ku desteya hilbijartinê û çavdêran weşandine re bide ber hev.',
    head_heading: 'Panoya giştî',
    head_size: 'Tomarên li ser panoyê',
    head_root: 'Haşa kok',
    head_time: 'Dema îmzekirinê',
    head_key: 'Mifteya panoyê',
    head_ok: 'Îmzeya panoyê ya li ser vê serê darê di vê gerokê de hat kontrolkirin.',
    download: 'Tomara hilbijartinê daxe (ZIP)',
    download_help: 'Her kes dikare her hejmareke vê rûpelê tenê bi tomarê kontrol bike: openballot verify RECORD.',
    results_heading: 'Encam',
    rule_seats: 'Hejmara kursiyan: {seats}, bi {method} têne parvekirin.',
    rule_no_seats: 'Deng ji bo her vebijarkê.',
    method_plurality: 'piraniya rêjeyî (vebijarkên bi herî zêde deng bi ser dikevin)',
    method_dhondt: 'rêbaza D’Hondt',
    'method_sainte-lague': 'rêbaza Sainte-Laguë',
    method_hare: 'mayînên herî mezin (kotaya Hare)',
    threshold: 'Vebijarkên di bin {percent} ya dengan de kursî nagirin.',
    seat_caption: 'Kursî: {contest}',
    votes_caption: 'Deng: {contest}',
    col_option: 'Vebijark',
    col_votes: 'Deng',
    col_share: 'Rêje',
    col_seats: 'Kursî',
    col_status: 'Encam',
    status_won: 'Kursiyek digire',
    status_excluded: 'Di bin bendê de',
    status_none: '—',
    total: 'Hemû',
    excluded_line: 'Di bin bendê de, bê kursî: {options}.',
    unfilled_line: 'Kursiyên ku kesî nikarîbû bigire: {n}.',
    tie_line:
      'Wekhevî ji bo kursiya {first} ({seats} ji bo parvekirinê) di navbera {options} de. Kişandina giştî, ku her kes dikare ji tomarê dîsa hesab bike, ew bi vê rêzê danîn: {order}. Kursî diçe: {winners}.',
    blank_caption: 'Hilbijartinên vala: {contest}',
    col_district: 'Herêm',
    col_counting: 'Pusulayên tên hejmartin',
    col_blank: 'Hilbijartinên vala',
    turnout_heading: 'Beşdarî li gorî herêmê',
    turnout_caption: 'Beşdarî li gorî herêmê: pusulayên tên hejmartin ji nav nasnameyên dengdanê yên hatine dayîn',
    col_registered: 'Dengdêrên qeydkirî',
    col_credentials: 'Nasnameyên dengdanê',
    col_turnout: 'Beşdarî',
    col_turnout_registered: 'Ji dengdêrên qeydkirî',
    not_given: 'nehatiye dayîn',
    all_districts: 'Hemû herêm',
    live_heading: 'Dîmena çavdêriyê ya zindî',
    live_intro:
      'Ev beş nîşan dide ka panoyê çend pusulayên şîfrekirî tomar kirine, lê tu car nîşan nade ka kesek çawa deng daye: deng heta hejmartinê şîfrekirî dimînin.',
    activity_caption: 'Pusulayên tomarkirî li gorî herêmê, di navberên {minutes} deqîqeyan de (dengdana dubare jî tê de)',
    activity_empty: 'Hîn tu pusula nehatiye tomarkirin.',
    col_time: 'Ji',
    activity_axis: 'pusula heta niha',
    monitor_heading: 'Di vê gerokê de hat kontrolkirin',
    monitor_waiting: 'Pano tê kontrolkirin…',
    monitor_ok:
      'Ji {time} ve {n} serê daran hatin kontrolkirin: her yek ji aliyê panoyê ve hatiye îmzekirin, û her yek ya berê dirêj dike (delîla hevgirtinê).',
    monitor_alarm:
      'HIŞYARÎ: pano di kontrolekê de têk çû: {detail}. Dibe ku panoyê dîroka xwe ji nû ve nivîsandibe. Vê rûpelê vekirî bihêle, tomar bike û çavdêran agahdar bike.',
    monitor_retry: 'Panoyê bersiv neda; em dîsa diceribînin.',
    monitor_failed: 'Kontrolek têk çû: li hişyariya li serê rûpelê binêre.',
    static_note:
      'Ev kopî ji tomara hilbijartinê, wekî xwe, hatiye nivîsandin. Berî ku pê bawer bikî tomarê kontrol bike (openballot verify).',
    footer: 'OpenBallot: hilbijartineke ji serî heta binî kontrolkirî. Her hejmarek li vir ji tomara giştî tê kontrolkirin.',
  },
};

/** The message `key` in `lang` with its {placeholders} filled (English if a key is missing). */
export function translate(lang, key, params = {}) {
  return formatMessage(MESSAGES, lang, key, params);
}

/** A fraction as a percentage with one decimal, in the language's numerals. */
export function formatPercent(lang, fraction) {
  return new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(fraction);
}

/** A time in ms since 1970 as a date and time of the language's locale. */
export function formatTime(lang, ms) {
  return new Date(ms).toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A time of day (hours and minutes) in the language's locale, for a chart's axis. */
export function formatClock(lang, ms) {
  return new Date(ms).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
}

/** Options' names in a list, with the language's separator. */
export function joinNames(lang, names) {
  return names.join(lang === 'ar' ? '، ' : ', ');
}

export { formatNumber };
