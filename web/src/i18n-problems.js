// The booth's own words for the server's problem codes (web/src/problems.js maps each code to
// one of these keys), for a lost answer and its retries, and for the "technical details"
// disclosure that holds the server's English detail. Merged into MESSAGES by i18n.js.

export const PROBLEM_MESSAGES = {
  en: {
    technical_details: 'Technical details',
    err_unexpected: 'Something went wrong on this page. Reload it and try again.',
    problem_refused: 'The server refused this request (error {status}).',
    problem_malformed: 'The server could not read what this device sent. Reload the page and try again.',
    problem_not_found: 'The server has no such thing.',
    problem_unknown_election: 'This election is not on this server. Check the address of the page.',
    problem_unknown_credential: 'This code is not registered for this election.',
    problem_unknown_tracker: 'No ballot with this tracker is on the bulletin board.',
    problem_conflict: 'The server cannot do this at this stage of the election.',
    problem_not_open: 'Voting has not opened yet. Your ballot was not recorded.',
    problem_closed: 'Voting is closed. Your ballot was not recorded.',
    problem_audited_ballot:
      'This ballot was audited, so it can never be cast. Encrypt your ballot again.',
    problem_already_on_board: 'This ballot is already on the bulletin board.',
    problem_too_large: 'This ballot is too large for the server.',
    problem_bad_proof:
      'The server found that a proof of this ballot does not hold, so it did not record it. Do not vote on this device; tell the election observers.',
    problem_bad_signature:
      'The server found that the signature of this ballot by your voting code does not hold, so it did not record it. Do not vote on this device; tell the election observers.',
    problem_rejected: 'The server refused this ballot: it breaks a rule of the election.',
    problem_not_eligible: 'Your voting code is not registered in this district. Your ballot was not recorded.',
    problem_wrong_ballot_style:
      'This ballot does not have the contests and options of your district. Reload the page and vote again.',
    problem_wrong_election: 'This ballot was made for another election. Reload the page and vote again.',
    problem_too_many_failures:
      'Too many refused attempts from this connection. Wait a minute, then try again.',
    problem_server:
      'The server failed (error {status}). Your ballot may not have been recorded; trying again is safe.',
    cast_retrying: 'The answer did not arrive. Sending your ballot again (attempt {attempt} of {max})…',
    cast_asking: 'Asking the bulletin board whether it has your ballot…',
    cast_recovered:
      'The answer of the server was lost, but the bulletin board has your ballot: your ballot was recorded. Its receipt is below.',
  },

  ar: {
    technical_details: 'تفاصيل تقنية',
    err_unexpected: 'حدث خطأ في هذه الصفحة. أعِد تحميلها وحاول مرة أخرى.',
    problem_refused: 'رفض الخادم هذا الطلب (الخطأ {status}).',
    problem_malformed: 'تعذّر على الخادم قراءة ما أرسله هذا الجهاز. أعِد تحميل الصفحة وحاول مرة أخرى.',
    problem_not_found: 'لا يوجد هذا العنصر على الخادم.',
    problem_unknown_election: 'هذه الانتخابات غير موجودة على هذا الخادم. تحقّق من عنوان الصفحة.',
    problem_unknown_credential: 'هذا الرمز غير مسجَّل في هذه الانتخابات.',
    problem_unknown_tracker: 'لا توجد في لوحة النشر ورقة اقتراع بهذا الرمز.',
    problem_conflict: 'لا يستطيع الخادم تنفيذ هذا في هذه المرحلة من الانتخابات.',
    problem_not_open: 'لم يبدأ التصويت بعد. لم تُسجَّل ورقتك.',
    problem_closed: 'انتهى التصويت. لم تُسجَّل ورقتك.',
    problem_audited_ballot: 'دُقِّقت هذه الورقة، فلا يمكن الإدلاء بها أبدًا. شفِّر ورقتك من جديد.',
    problem_already_on_board: 'هذه الورقة موجودة من قبل في لوحة النشر.',
    problem_too_large: 'هذه الورقة أكبر مما يقبله الخادم.',
    problem_bad_proof:
      'وجد الخادم أن أحد إثباتات هذه الورقة غير صحيح، فلم يسجّلها. لا تصوّت على هذا الجهاز وأبلغ مراقبي الانتخابات.',
    problem_bad_signature:
      'وجد الخادم أن توقيع هذه الورقة برمز اقتراعك غير صحيح، فلم يسجّلها. لا تصوّت على هذا الجهاز وأبلغ مراقبي الانتخابات.',
    problem_rejected: 'رفض الخادم هذه الورقة: إنها تخالف إحدى قواعد الانتخابات.',
    problem_not_eligible: 'رمز اقتراعك غير مسجَّل في هذه الدائرة. لم تُسجَّل ورقتك.',
    problem_wrong_ballot_style: 'لا تتضمّن هذه الورقة منافسات دائرتك وخياراتها. أعِد تحميل الصفحة وصوّت من جديد.',
    problem_wrong_election: 'أُعِدّت هذه الورقة لانتخابات أخرى. أعِد تحميل الصفحة وصوّت من جديد.',
    problem_too_many_failures: 'رُفضت محاولات كثيرة من هذا الاتصال. انتظر دقيقة ثم حاول مرة أخرى.',
    problem_server: 'تعطّل الخادم (الخطأ {status}). ربما لم تُسجَّل ورقتك؛ إعادة المحاولة آمنة.',
    cast_retrying: 'لم يصل الرد. جارٍ إرسال ورقتك مرة أخرى (المحاولة {attempt} من {max})…',
    cast_asking: 'جارٍ سؤال لوحة النشر هل لديها ورقتك…',
    cast_recovered: 'ضاع ردّ الخادم، لكن ورقتك موجودة في لوحة النشر: تم تسجيل ورقتك. إيصالها أدناه.',
  },

  ku: {
    technical_details: 'Hûrguliyên teknîkî',
    err_unexpected: 'Di vê rûpelê de tiştek xelet çû. Wê ji nû ve bar bike û dîsa biceribîne.',
    problem_refused: 'Serverê ev daxwaz red kir (çewtî {status}).',
    problem_malformed:
      'Serverê nikarîbû tiştê ku vê amûrê şand bixwîne. Rûpelê ji nû ve bar bike û dîsa biceribîne.',
    problem_not_found: 'Tiştekî wiha li ser serverê tune ye.',
    problem_unknown_election: 'Ev hilbijartin li ser vê serverê tune ye. Navnîşana rûpelê kontrol bike.',
    problem_unknown_credential: 'Ev kod ji bo vê hilbijartinê nehatiye tomarkirin.',
    problem_unknown_tracker: 'Li ser tabloya giştî pusulayeke bi vê koda şopandinê tune ye.',
    problem_conflict: 'Server di vê qonaxa hilbijartinê de nikare vê bike.',
    problem_not_open: 'Dengdan hê dest pê nekiriye. Pusulaya te nehat tomarkirin.',
    problem_closed: 'Dengdan girtî ye. Pusulaya te nehat tomarkirin.',
    problem_audited_ballot:
      'Ev pusula hat kontrolkirin, ji ber vê yekê qet nikare were dayîn. Pusulaya xwe ji nû ve şîfre bike.',
    problem_already_on_board: 'Ev pusula berê li ser tabloya giştî ye.',
    problem_too_large: 'Ev pusula ji bo serverê pir mezin e.',
    problem_bad_proof:
      'Serverê dît ku delîlek ji vê pusulayê ne rast e, û ew tomar nekir. Li ser vê amûrê deng nede; ji çavdêrên hilbijartinê re bibêje.',
    problem_bad_signature:
      'Serverê dît ku îmzeya vê pusulayê bi koda te ya dengdanê ne rast e, û ew tomar nekir. Li ser vê amûrê deng nede; ji çavdêrên hilbijartinê re bibêje.',
    problem_rejected: 'Serverê ev pusula red kir: ew qaîdeyeke hilbijartinê dişkîne.',
    problem_not_eligible: 'Koda te ya dengdanê di vê herêmê de nehatiye tomarkirin. Pusulaya te nehat tomarkirin.',
    problem_wrong_ballot_style:
      'Pêşbirk û vebijarkên herêma te di vê pusulayê de nînin. Rûpelê ji nû ve bar bike û dîsa deng bide.',
    problem_wrong_election:
      'Ev pusula ji bo hilbijartineke din hatiye amadekirin. Rûpelê ji nû ve bar bike û dîsa deng bide.',
    problem_too_many_failures:
      'Ji vê girêdanê gelek hewldan hatin redkirin. Deqeyekê bisekine, paşê dîsa biceribîne.',
    problem_server:
      'Server têk çû (çewtî {status}). Dibe ku pusulaya te nehatibe tomarkirin; dîsa ceribandin bê xeter e.',
    cast_retrying: 'Bersiv negihîşt. Pusulaya te dîsa tê şandin (hewldana {attempt} ji {max})…',
    cast_asking: 'Ji tabloya giştî tê pirsîn ka pusulaya te li cem wê ye an na…',
    cast_recovered:
      'Bersiva serverê winda bû, lê pusulaya te li ser tabloya giştî ye: pusulaya te hat tomarkirin. Meqbûza wê li jêr e.',
  },
};
