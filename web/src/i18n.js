// Every string the booth shows, in Arabic (right to left), Kurdish (Kurmanji, Latin script)
// and English. Placeholders are {name}; `translate` fills them, formatting numbers for the
// language and isolating text parameters (U+2068 … U+2069) so that an English id or a hex
// tracker inside Arabic text (or an Arabic name inside English text) keeps its own direction.
//
// Numerals: one system per language. Arabic writes every number (counts, positions, dates,
// error numbers) in Arabic-Indic digits (٠١٢٣٤٥٦٧٨٩), as in Syria and the Mashriq; Kurdish
// (Kurmanji, Latin script) and English in Latin digits. Codes, trackers and hex are not
// numbers but characters to compare and type: they stay in Latin letters and digits in every
// language (isolated, left to right). web/test/i18n.test.mjs checks both.

import { CHECK_MESSAGES } from './i18n-check.js';
import { PROBLEM_MESSAGES } from './i18n-problems.js';

export const LANGUAGES = Object.freeze([
  Object.freeze({ code: 'ar', name: 'العربية', dir: 'rtl' }),
  Object.freeze({ code: 'ku', name: 'Kurmancî', dir: 'ltr' }),
  Object.freeze({ code: 'en', name: 'English', dir: 'ltr' }),
]);

export const CODE_EXAMPLE = '7KQ2M-X0HVA-PD3RT-9WZ4E';

const BASE = {
  en: {
    page_title: 'OpenBallot voting booth',
    skip_link: 'Skip to the ballot',
    language_label: 'Language',
    loading: 'Loading the election…',
    fingerprint_label: 'Election fingerprint',
    fingerprint_help:
      'Compare it with the fingerprint published by the election authority and the observers.',
    code_heading: 'Step 1: your voting code',
    code_label: 'Voting code',
    code_help:
      'Type the 20 letters and digits printed on your voting card, for example {example}. Spaces and dashes do not matter.',
    code_submit: 'Continue',
    code_checking: 'Checking your code…',
    code_err_empty: 'Please type your voting code.',
    code_err_format:
      'A voting code has 20 letters and digits (0–9, A–Z). Please check what you typed.',
    code_err_check:
      'This code contains a typing mistake. Please compare each character with your card.',
    code_err_unknown: 'This code is not registered for this election.',
    code_accepted: 'Code accepted. Your district: {district}.',
    ballot_heading: 'Step 2: your ballot',
    ballot_district: 'District: {district}',
    rule_one: 'Choose one.',
    rule_exactly: 'Choose exactly {n}.',
    rule_range: 'Choose between {min} and {max}.',
    rule_up_to: 'Choose up to {max}, or none.',
    rule_one_or_blank: 'Choose one, or vote blank.',
    blank_choice: 'Blank vote (no choice)',
    at_max:
      'You have chosen the maximum ({max}). To choose another option, first remove one of your choices.',
    too_few: '“{contest}”: choose at least {min}.',
    ballot_incomplete: 'Your ballot is not complete:',
    encrypt: 'Encrypt my ballot',
    encrypting: 'Encrypting your ballot on this device…',
    review_heading: 'Step 3: cast or audit your encrypted ballot',
    review_intro:
      'Your ballot is encrypted. Its tracker is below: note it down. It lets you find your ballot on the public bulletin board.',
    tracker_label: 'Tracker',
    cast: 'Cast this ballot',
    cast_help:
      'Your encrypted ballot is sent to the bulletin board and counted. You may vote again later: only your last ballot counts.',
    audit: 'Challenge (audit) this ballot',
    audit_help:
      'Auditing opens this ballot to show that this device encrypted your choices correctly. An audited ballot is published and never counted; you then encrypt your ballot again.',
    change: 'Change my choices',
    casting: 'Sending your ballot to the bulletin board…',
    auditing: 'Opening your ballot…',
    audit_heading: 'Audited ballot: not counted',
    audit_intro:
      'This device opened the ballot and checked that its encryption contains exactly these choices:',
    audit_blank: '(no choice)',
    audit_not_counted:
      'This ballot will not be counted. If these are not the choices you made, do not vote on this device and tell the election observers. Otherwise encrypt your ballot again below: every encryption gets a new tracker.',
    audit_lookup: 'To check from another device, look up this tracker on the bulletin board:',
    audit_failed:
      'The opened ballot does NOT match the encrypted ballot: this device did not encrypt what it shows. Do not vote on this device; tell the election observers.',
    audit_published: 'The opened ballot was published on the bulletin board.',
    receipt_heading: 'Your receipt',
    receipt_verified: 'Verified ✓',
    receipt_ok:
      'Your ballot is recorded: the bulletin board signed a log that includes it, and this device checked the inclusion proof ✓',
    receipt_failed: 'NOT verified',
    receipt_bad:
      'Warning: the bulletin board’s answer does not prove that your ballot was recorded. Download this receipt and give it to the election observers.',
    receipt_tracker: 'Tracker',
    receipt_index: 'Position in the log',
    receipt_size: 'Entries in the log',
    receipt_root: 'Root of the log',
    receipt_time: 'Signed on',
    receipt_key: 'Bulletin board key',
    receipt_keep: 'Keep this receipt: with it anyone can prove that the board recorded your ballot.',
    download: 'Download the receipt',
    err_no_election:
      'No election was chosen: the address of this page must end with ?election= followed by the election’s id.',
    err_network: 'The server could not be reached. Check your connection and try again.',
    err_server: 'The server answered with an error ({status}).',
    err_election_data:
      'The election data sent by the server are not valid. Do not vote on this device; tell the election observers.',
    err_fingerprint:
      'Danger: the election data sent by the server do not match the fingerprint it states. The server may be giving you a false key. Do not vote on this device; tell the election observers.',
    err_other_election: 'The server sent the data of another election ({id}).',
    err_not_open: 'This election is not open for voting.',
    err_state_setup: 'Voting has not opened yet. Come back when the election authority opens it.',
    err_state_closed: 'Voting is closed. The votes are being counted.',
    err_state_decrypted: 'Voting is closed and the result is published.',
    err_unknown_district: 'The server placed this code in a district that this election does not have.',
    err_encrypt: 'The ballot could not be encrypted. Reload the page and try again.',
    footer:
      'Your choices are encrypted on this device and never leave it unencrypted. OpenBallot is end-to-end verifiable: anyone can check the count.',
  },

  ar: {
    page_title: 'OpenBallot — مركز الاقتراع الإلكتروني',
    skip_link: 'انتقل إلى ورقة الاقتراع',
    language_label: 'اللغة',
    loading: 'جارٍ تحميل بيانات الانتخابات…',
    fingerprint_label: 'بصمة الانتخابات',
    fingerprint_help: 'قارِنها بالبصمة التي نشرتها الهيئة المشرفة على الانتخابات والمراقبون.',
    code_heading: 'الخطوة الأولى: رمز الاقتراع',
    code_label: 'رمز الاقتراع',
    code_help:
      'اكتب الأحرف والأرقام العشرين المطبوعة على بطاقة الاقتراع، مثل {example}. لا تهمّ المسافات ولا الشرطات.',
    code_submit: 'متابعة',
    code_checking: 'جارٍ التحقق من الرمز…',
    code_err_empty: 'يرجى كتابة رمز الاقتراع.',
    code_err_format: 'يتكوّن رمز الاقتراع من ٢٠ حرفًا ورقمًا (0–9 وA–Z). يرجى مراجعة ما كتبته.',
    code_err_check: 'في هذا الرمز خطأ في الكتابة. يرجى مطابقة كل حرف مع بطاقتك.',
    code_err_unknown: 'هذا الرمز غير مسجَّل في هذه الانتخابات.',
    code_accepted: 'تم قبول الرمز. دائرتك الانتخابية: {district}.',
    ballot_heading: 'الخطوة الثانية: ورقة الاقتراع',
    ballot_district: 'الدائرة: {district}',
    rule_one: 'اختر خيارًا واحدًا.',
    rule_exactly: 'اختر {n} بالضبط.',
    rule_range: 'اختر ما بين {min} و{max}.',
    rule_up_to: 'اختر حتى {max}، أو لا تختر شيئًا.',
    rule_one_or_blank: 'اختر خيارًا واحدًا، أو صوّت بورقة بيضاء.',
    blank_choice: 'ورقة بيضاء (دون اختيار)',
    at_max: 'لقد بلغت الحد الأقصى ({max}). لاختيار خيار آخر، ألغِ أحد اختياراتك أولًا.',
    too_few: '«{contest}»: اختر {min} على الأقل.',
    ballot_incomplete: 'ورقة اقتراعك غير مكتملة:',
    encrypt: 'شفِّر ورقة اقتراعي',
    encrypting: 'جارٍ تشفير ورقة اقتراعك على هذا الجهاز…',
    review_heading: 'الخطوة الثالثة: أدلِ بورقتك المشفّرة أو دقّقها',
    review_intro:
      'تم تشفير ورقة اقتراعك. رمز تتبّعها مكتوب أدناه، فدوِّنه: يتيح لك العثور على ورقتك في لوحة النشر العامة.',
    tracker_label: 'رمز التتبّع',
    cast: 'أدلِ بهذه الورقة',
    cast_help:
      'تُرسَل ورقتك المشفّرة إلى لوحة النشر وتُحتسب. يمكنك التصويت مرة أخرى لاحقًا، ولا تُحتسب إلا آخر ورقة.',
    audit: 'اعترض على هذه الورقة (دقّقها)',
    audit_help:
      'يكشف التدقيق محتوى هذه الورقة ليُثبت أن هذا الجهاز شفّر اختياراتك بشكل صحيح. تُنشر الورقة المدقَّقة ولا تُحتسب أبدًا، ثم تشفّر ورقتك من جديد.',
    change: 'تعديل اختياراتي',
    casting: 'جارٍ إرسال ورقتك إلى لوحة النشر…',
    auditing: 'جارٍ فتح ورقتك للتدقيق…',
    audit_heading: 'ورقة مدقَّقة: لن تُحتسب',
    audit_intro: 'فتح هذا الجهاز الورقة وتحقّق من أن تشفيرها يتضمّن هذه الاختيارات بالضبط:',
    audit_blank: '(لا اختيار)',
    audit_not_counted:
      'لن تُحتسب هذه الورقة. إذا لم تكن هذه اختياراتك، فلا تصوّت على هذا الجهاز وأبلغ مراقبي الانتخابات. وإلا فشفّر ورقتك من جديد أدناه: يحصل كل تشفير على رمز تتبّع جديد.',
    audit_lookup: 'للتحقق من جهاز آخر، ابحث عن رمز التتبّع هذا في لوحة النشر:',
    audit_failed:
      'محتوى الورقة المفتوحة لا يطابق الورقة المشفّرة: هذا الجهاز لم يشفّر ما يعرضه. لا تصوّت على هذا الجهاز وأبلغ مراقبي الانتخابات.',
    audit_published: 'نُشرت الورقة المفتوحة في لوحة النشر.',
    receipt_heading: 'إيصالك',
    receipt_verified: 'تم التحقق ✓',
    receipt_ok: 'تم تسجيل ورقتك: وقّعت لوحة النشر سجلًّا يتضمّنها، وتحقّق هذا الجهاز من إثبات الإدراج ✓',
    receipt_failed: 'لم يتم التحقق',
    receipt_bad:
      'تحذير: ردّ لوحة النشر لا يُثبت أن ورقتك سُجِّلت. نزِّل هذا الإيصال وسلِّمه إلى مراقبي الانتخابات.',
    receipt_tracker: 'رمز التتبّع',
    receipt_index: 'الموضع في السجل',
    receipt_size: 'عدد المدخلات في السجل',
    receipt_root: 'جذر السجل',
    receipt_time: 'تاريخ التوقيع',
    receipt_key: 'مفتاح لوحة النشر',
    receipt_keep: 'احتفظ بهذا الإيصال: به يستطيع أي شخص أن يُثبت أن لوحة النشر سجّلت ورقتك.',
    download: 'تنزيل الإيصال',
    err_no_election:
      'لم تُحدَّد أي انتخابات: يجب أن ينتهي عنوان هذه الصفحة بـ ?election= متبوعًا بمعرِّف الانتخابات.',
    err_network: 'تعذّر الاتصال بالخادم. تحقّق من اتصالك وحاول مرة أخرى.',
    err_server: 'ردّ الخادم بخطأ ({status}).',
    err_election_data:
      'بيانات الانتخابات التي أرسلها الخادم غير صالحة. لا تصوّت على هذا الجهاز وأبلغ مراقبي الانتخابات.',
    err_fingerprint:
      'خطر: بيانات الانتخابات التي أرسلها الخادم لا تطابق البصمة التي يعلنها، وقد يكون الخادم يعطيك مفتاحًا مزيّفًا. لا تصوّت على هذا الجهاز وأبلغ مراقبي الانتخابات.',
    err_other_election: 'أرسل الخادم بيانات انتخابات أخرى ({id}).',
    err_not_open: 'هذه الانتخابات غير مفتوحة للتصويت.',
    err_state_setup: 'لم يبدأ التصويت بعد. عُد حين تفتحه الهيئة المشرفة على الانتخابات.',
    err_state_closed: 'انتهى التصويت. يجري فرز الأصوات.',
    err_state_decrypted: 'انتهى التصويت ونُشرت النتيجة.',
    err_unknown_district: 'وضع الخادم هذا الرمز في دائرة لا وجود لها في هذه الانتخابات.',
    err_encrypt: 'تعذّر تشفير الورقة. أعِد تحميل الصفحة وحاول مرة أخرى.',
    footer:
      'تُشفَّر اختياراتك على هذا الجهاز ولا تغادره أبدًا دون تشفير. OpenBallot نظام قابل للتحقق من طرف إلى طرف: يستطيع أي شخص التحقق من الفرز.',
  },

  ku: {
    page_title: 'OpenBallot — cihê dengdanê',
    skip_link: 'Here pusulaya dengdanê',
    language_label: 'Ziman',
    loading: 'Hilbijartin tê barkirin…',
    fingerprint_label: 'Şopa tiliyê ya hilbijartinê',
    fingerprint_help:
      'Wê bi şopa tiliyê ya ku desteya hilbijartinê û çavdêran weşandiye re berawird bike.',
    code_heading: 'Gava 1: koda te ya dengdanê',
    code_label: 'Koda dengdanê',
    code_help:
      '20 tîp û hejmarên ku li ser karta te ya dengdanê çapkirî ne binivîse, wek mînak {example}. Valahî û xêzik ne girîng in.',
    code_submit: 'Bidomîne',
    code_checking: 'Koda te tê kontrolkirin…',
    code_err_empty: 'Ji kerema xwe koda xwe ya dengdanê binivîse.',
    code_err_format:
      'Koda dengdanê ji 20 tîp û hejmaran pêk tê (0–9, A–Z). Ji kerema xwe tiştê ku te nivîsiye kontrol bike.',
    code_err_check:
      'Di vê kodê de şaşiyeke nivîsandinê heye. Ji kerema xwe her tîpekê bi karta xwe re bide ber hev.',
    code_err_unknown: 'Ev kod ji bo vê hilbijartinê nehatiye tomarkirin.',
    code_accepted: 'Kod hat qebûlkirin. Herêma te ya hilbijartinê: {district}.',
    ballot_heading: 'Gava 2: pusulaya te ya dengdanê',
    ballot_district: 'Herêm: {district}',
    rule_one: 'Yekê hilbijêre.',
    rule_exactly: 'Tam {n} hilbijêre.',
    rule_range: 'Di navbera {min} û {max} de hilbijêre.',
    rule_up_to: 'Herî zêde {max} hilbijêre, an jî qet hilnebijêre.',
    rule_one_or_blank: 'Yekê hilbijêre, an dengekî spî bide.',
    blank_choice: 'Dengê spî (bê hilbijartin)',
    at_max:
      'Te herî zêde ({max}) hilbijart. Ji bo vebijarkeke din hilbijêrî, pêşî yek ji hilbijartinên xwe rake.',
    too_few: '“{contest}”: herî kêm {min} hilbijêre.',
    ballot_incomplete: 'Pusulaya te hê temam nebûye:',
    encrypt: 'Pusulaya min şîfre bike',
    encrypting: 'Pusulaya te li ser vê amûrê tê şîfrekirin…',
    review_heading: 'Gava 3: bi pusulaya xwe ya şîfrekirî deng bide an wê kontrol bike',
    review_intro:
      'Pusulaya te hat şîfrekirin. Koda wê ya şopandinê li jêr e: wê binivîse. Bi wê tu dikarî pusulaya xwe li ser tabloya giştî bibînî.',
    tracker_label: 'Koda şopandinê',
    cast: 'Bi vê pusulayê deng bide',
    cast_help:
      'Pusulaya te ya şîfrekirî ji tabloya giştî re tê şandin û tê hesibandin. Tu dikarî paşê dîsa deng bidî: tenê pusulaya te ya dawî tê hesibandin.',
    audit: 'Li vê pusulayê îtiraz bike (kontrol bike)',
    audit_help:
      'Kontrolkirin vê pusulayê vedike da ku nîşan bide ku vê amûrê hilbijartinên te rast şîfre kirine. Pusulaya kontrolkirî tê weşandin û qet nayê hesibandin; paşê tu pusulaya xwe ji nû ve şîfre dikî.',
    change: 'Hilbijartinên min biguherîne',
    casting: 'Pusulaya te ji tabloya giştî re tê şandin…',
    auditing: 'Pusulaya te tê vekirin…',
    audit_heading: 'Pusulaya kontrolkirî: nayê hesibandin',
    audit_intro:
      'Vê amûrê pusula vekir û kontrol kir ku şîfreya wê tam van hilbijartinan dihewîne:',
    audit_blank: '(tu hilbijartin tune)',
    audit_not_counted:
      'Ev pusula nayê hesibandin. Heke ev ne hilbijartinên te bin, li ser vê amûrê deng nede û ji çavdêrên hilbijartinê re bibêje. Wekî din, pusulaya xwe li jêr ji nû ve şîfre bike: her şîfrekirin koda şopandinê ya nû distîne.',
    audit_lookup: 'Ji bo ji amûreke din kontrol bikî, vê koda şopandinê li ser tabloya giştî bigere:',
    audit_failed:
      'Pusulaya vekirî bi pusulaya şîfrekirî re li hev NAYÊ: vê amûrê tiştê ku nîşan dide şîfre nekiriye. Li ser vê amûrê deng nede; ji çavdêrên hilbijartinê re bibêje.',
    audit_published: 'Pusulaya vekirî li ser tabloya giştî hat weşandin.',
    receipt_heading: 'Meqbûza te',
    receipt_verified: 'Hat piştrastkirin ✓',
    receipt_ok:
      'Pusulaya te hat tomarkirin: tabloya giştî tomarek ku wê dihewîne îmze kir, û vê amûrê delîla tevlêbûnê kontrol kir ✓',
    receipt_failed: 'NEHAT PIŞTRASTKIRIN',
    receipt_bad:
      'Hişyarî: bersiva tabloya giştî nîşan nade ku pusulaya te hatiye tomarkirin. Vê meqbûzê daxîne û bide çavdêrên hilbijartinê.',
    receipt_tracker: 'Koda şopandinê',
    receipt_index: 'Cih di tomarê de',
    receipt_size: 'Hejmara tomaran',
    receipt_root: 'Koka tomarê',
    receipt_time: 'Dema îmzekirinê',
    receipt_key: 'Mifteya tabloya giştî',
    receipt_keep:
      'Vê meqbûzê biparêze: bi wê her kes dikare îspat bike ku tabloyê pusulaya te tomar kiriye.',
    download: 'Meqbûzê daxîne',
    err_no_election:
      'Tu hilbijartin nehatiye diyarkirin: divê navnîşana vê rûpelê bi ?election= û nasnameya hilbijartinê bi dawî bibe.',
    err_network: 'Negihîşt serverê. Girêdana xwe kontrol bike û dîsa biceribîne.',
    err_server: 'Serverê bi çewtiyekê bersiv da ({status}).',
    err_election_data:
      'Daneyên hilbijartinê yên ku server şandine ne derbasdar in. Li ser vê amûrê deng nede; ji çavdêrên hilbijartinê re bibêje.',
    err_fingerprint:
      'Xeter: daneyên hilbijartinê yên ku server şandine bi şopa tiliyê ya ku ew radigihîne re li hev nayên. Dibe ku server mifteyeke sexte dide te. Li ser vê amûrê deng nede; ji çavdêrên hilbijartinê re bibêje.',
    err_other_election: 'Serverê daneyên hilbijartineke din şandin ({id}).',
    err_not_open: 'Ev hilbijartin ji bo dengdanê ne vekirî ye.',
    err_state_setup: 'Dengdan hê dest pê nekiriye. Dema ku desteya hilbijartinê wê veke, vegere.',
    err_state_closed: 'Dengdan girtî ye. Deng tên jimartin.',
    err_state_decrypted: 'Dengdan girtî ye û encam hatiye weşandin.',
    err_unknown_district: 'Serverê ev kod xist herêmeke ku di vê hilbijartinê de tune ye.',
    err_encrypt: 'Pusula nehat şîfrekirin. Rûpelê ji nû ve bar bike û dîsa biceribîne.',
    footer:
      'Hilbijartinên te li ser vê amûrê tên şîfrekirin û bêyî şîfre qet jê dernakevin. OpenBallot ji serî heta dawî tê kontrolkirin: her kes dikare jimartinê kontrol bike.',
  },
};

export const MESSAGES = Object.fromEntries(
  Object.keys(BASE).map((lang) => [
    lang,
    { ...BASE[lang], ...PROBLEM_MESSAGES[lang], ...CHECK_MESSAGES[lang] },
  ]),
);

const FSI = '\u2068';
const PDI = '\u2069';

export function isLanguage(code) {
  return LANGUAGES.some((l) => l.code === code);
}

export function direction(lang) {
  return LANGUAGES.find((l) => l.code === lang)?.dir ?? 'ltr';
}

/** The locale that Intl formats numbers and dates of `lang` with (its numeral system fixed). */
export function numberLocale(lang) {
  return lang === 'ar' ? 'ar-u-nu-arab' : `${lang}-u-nu-latn`;
}

export function formatNumber(lang, n) {
  try {
    return new Intl.NumberFormat(numberLocale(lang), { useGrouping: false }).format(n);
  } catch {
    return String(n);
  }
}

// Kurmanji month names, for an Intl without Kurdish data (Chromium's ICU has none): the date
// is then written the Kurmanji way, day month year, with the time of the voter's device.
const KU_MONTHS = [
  'Çile', 'Sibat', 'Adar', 'Nîsan', 'Gulan', 'Hezîran',
  'Tîrmeh', 'Tebax', 'Îlon', 'Cotmeh', 'Mijdar', 'Kanûn',
];

/** A moment (ms since the epoch) as a date and time in the voter's language and time zone. */
export function formatDate(lang, ms, timeZone = undefined) {
  const date = new Date(ms);
  const options = { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone };
  if (lang === 'ku' && Intl.DateTimeFormat.supportedLocalesOf(['ku']).length === 0) {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-u-nu-latn', { ...options, month: 'numeric' }).formatToParts(date).map((p) => [p.type, p.value]),
    );
    return `${Number(parts.day)} ${KU_MONTHS[Number(parts.month) - 1]} ${parts.year}, ${parts.hour}:${parts.minute}:${parts.second}`;
  }
  return new Intl.DateTimeFormat(numberLocale(lang), options).format(date);
}

/**
 * The message `key` of `catalogue` (language -> key -> template) in `lang`, English if the
 * language lacks it, with its {placeholders} filled from `params`: numbers in the language's
 * numerals, anything else isolated (FSI...PDI) so that a Latin name or a hex string keeps its
 * own direction inside Arabic text. Every page's catalogue is read through this one function
 * (the booth's here, the results page's and the console's in their messages.js); `what` names
 * the catalogue in the error for a key it does not have.
 */
export function formatMessage(catalogue, lang, key, params = {}, what = 'message') {
  const template = catalogue[lang]?.[key] ?? catalogue.en[key];
  if (template === undefined) throw new Error(`no ${what} ${key}`);
  return template.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    const v = params[name];
    return typeof v === 'number' ? formatNumber(lang, v) : FSI + String(v) + PDI;
  });
}

/** The booth's message `key` in `lang` (English if missing) with its {placeholders} filled. */
export function translate(lang, key, params = {}) {
  return formatMessage(MESSAGES, lang, key, params);
}

/** The first of the browser's preferred languages that the booth speaks. */
export function preferredLanguage(preferences, fallback = 'ar') {
  for (const p of preferences ?? []) {
    const base = String(p).toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
    if (base === 'kmr') return 'ku';
  }
  return fallback;
}
