// The words of the "check my ballot" page (check.html, src/check.js). Merged into MESSAGES by
// i18n.js.

export const CHECK_MESSAGES = {
  en: {
    check_page_title: 'Check my ballot — OpenBallot',
    check_heading: 'Check my ballot',
    check_intro:
      'Type the tracker of your ballot, or open the receipt file that the booth saved. This device checks the answer of the bulletin board itself.',
    check_tracker_label: 'Tracker',
    check_tracker_help: '64 characters, 0–9 and a–f. Spaces do not matter.',
    check_file_label: 'Or your receipt file',
    check_file_help: 'With the receipt file, this device also checks that the board has not rewritten its log since.',
    check_submit: 'Check',
    checking: 'Asking the bulletin board and checking its answer…',
    check_tracker_empty: 'Type a tracker or choose your receipt file.',
    check_tracker_format: 'A tracker has 64 characters, 0–9 and a–f. Please check what you typed.',
    check_file_bad: 'This file is not an OpenBallot receipt.',
    check_file_election: 'This receipt is for another election ({id}).',
    check_result_heading: 'What became of your ballot',
    check_proven: 'proven',
    check_not_proven: 'NOT proven',
    fate_recorded:
      'Your ballot is recorded on the bulletin board. Voting is still open: it is your current ballot and will be counted, unless you vote again.',
    fate_audited: 'This ballot was audited (challenged): it was opened to check its encryption, and it is not counted.',
    fate_superseded:
      'This ballot was replaced by a later ballot cast with the same voting code (position {later} in the log). That later ballot counts instead.',
    fate_counted: 'Your ballot was counted: it is in the tally.',
    fate_not_counted: 'This ballot is on the bulletin board but it is not counted.',
    fate_absent: 'This ballot is not on the bulletin board.',
    fate_absent_receipted:
      'The bulletin board says that it does not have this ballot, but your receipt, signed by the board, proves that it accepted it. Keep your receipt and give it to the election observers.',
    check_checks_heading: 'What this device checked',
    check_signature_ok: 'The bulletin board signed its latest state: {size} entries.',
    check_inclusion_ok: 'Your ballot is in that state, at position {index}: the proof holds.',
    check_consistency_ok:
      'The log still holds everything it held when your receipt was signed ({first} entries): the board has not rewritten it.',
    check_consistency_skipped:
      'Not checked without the receipt file: that the board has not rewritten its log since your receipt.',
    check_receipt_ok: 'Your receipt is signed by the bulletin board and names this ballot.',
    check_fail: "The bulletin board's answer does not prove this. Keep your receipt and tell the election observers.",
    check_fail_answer: "The board's answer is not about this ballot, or is not well formed.",
    check_fail_signature: "The board's signature on its latest state does not verify.",
    check_fail_inclusion: "The proof that your ballot is in the board's log does not verify.",
    check_fail_receipt: 'Your receipt does not verify, or names another entry than the board now does.',
    check_fail_consistency:
      "The board's log does not extend the log your receipt was signed on: it may have been rewritten.",
    check_fail_network: 'The bulletin board could not be reached, so nothing was checked. Try again later.',
    check_signed_on: 'Latest state signed on',
    check_again: 'Check another ballot',
    check_link: 'Check later what became of your ballot',
    check_link_help: 'The check page shows whether your ballot was counted or replaced, and checks the proofs on this device.',
  },

  ar: {
    check_page_title: 'تحقّق من ورقتي — OpenBallot',
    check_heading: 'تحقّق من ورقتي',
    check_intro:
      'اكتب رمز تتبّع ورقتك، أو افتح ملف الإيصال الذي حفظه مركز الاقتراع. يتحقّق هذا الجهاز بنفسه من ردّ لوحة النشر.',
    check_tracker_label: 'رمز التتبّع',
    check_tracker_help: '٦٤ محرفًا من 0–9 وa–f. لا تهمّ المسافات.',
    check_file_label: 'أو ملف إيصالك',
    check_file_help: 'مع ملف الإيصال يتحقّق هذا الجهاز أيضًا من أن لوحة النشر لم تُعِد كتابة سجلّها منذ ذلك الحين.',
    check_submit: 'تحقّق',
    checking: 'جارٍ سؤال لوحة النشر والتحقّق من ردّها…',
    check_tracker_empty: 'اكتب رمز التتبّع أو اختر ملف إيصالك.',
    check_tracker_format: 'يتكوّن رمز التتبّع من ٦٤ محرفًا من 0–9 وa–f. يرجى مراجعة ما كتبته.',
    check_file_bad: 'هذا الملف ليس إيصالًا من OpenBallot.',
    check_file_election: 'هذا الإيصال لانتخابات أخرى ({id}).',
    check_result_heading: 'ماذا حدث لورقتك',
    check_proven: 'مُثبَت',
    check_not_proven: 'غير مُثبَت',
    fate_recorded: 'ورقتك مسجّلة في لوحة النشر. ما زال التصويت مفتوحًا: إنها ورقتك الحالية وستُحتسب، ما لم تصوّت مرة أخرى.',
    fate_audited: 'دُقِّقت هذه الورقة (اعتُرض عليها): فُتحت للتحقق من تشفيرها، ولا تُحتسب.',
    fate_superseded:
      'حلّت محلّ هذه الورقة ورقةٌ لاحقة أُدلي بها بالرمز نفسه (الموضع {later} في السجل). تلك الورقة اللاحقة هي التي تُحتسب.',
    fate_counted: 'احتُسبت ورقتك: إنها في الفرز.',
    fate_not_counted: 'هذه الورقة موجودة في لوحة النشر لكنها لا تُحتسب.',
    fate_absent: 'هذه الورقة غير موجودة في لوحة النشر.',
    fate_absent_receipted:
      'تقول لوحة النشر إن هذه الورقة ليست لديها، لكن إيصالك الموقَّع منها يُثبت أنها قبلتها. احتفظ بإيصالك وسلِّمه إلى مراقبي الانتخابات.',
    check_checks_heading: 'ما تحقّق منه هذا الجهاز',
    check_signature_ok: 'وقّعت لوحة النشر حالتها الأخيرة: {size} مُدخلًا.',
    check_inclusion_ok: 'ورقتك ضمن تلك الحالة، في الموضع {index}: الإثبات صحيح.',
    check_consistency_ok:
      'ما زال السجل يتضمّن كل ما كان فيه حين وُقِّع إيصالك ({first} مُدخلًا): لم تُعِد لوحة النشر كتابته.',
    check_consistency_skipped: 'لم يُتحقَّق دون ملف الإيصال من أن لوحة النشر لم تُعِد كتابة سجلّها منذ إيصالك.',
    check_receipt_ok: 'إيصالك موقَّع من لوحة النشر ويخصّ هذه الورقة.',
    check_fail: 'ردّ لوحة النشر لا يُثبت ذلك. احتفظ بإيصالك وأبلغ مراقبي الانتخابات.',
    check_fail_answer: 'ردّ لوحة النشر لا يخصّ هذه الورقة، أو أنه غير سليم البنية.',
    check_fail_signature: 'توقيع لوحة النشر على حالتها الأخيرة غير صحيح.',
    check_fail_inclusion: 'إثبات وجود ورقتك في سجل لوحة النشر غير صحيح.',
    check_fail_receipt: 'إيصالك غير صحيح، أو أنه يذكر مُدخلًا غير الذي تذكره لوحة النشر الآن.',
    check_fail_consistency: 'سجل لوحة النشر لا يمتدّ من السجل الذي وُقِّع عليه إيصالك: ربما أُعيدت كتابته.',
    check_fail_network: 'تعذّر الاتصال بلوحة النشر، فلم يُتحقَّق من شيء. حاول لاحقًا.',
    check_signed_on: 'تاريخ توقيع الحالة الأخيرة',
    check_again: 'تحقّق من ورقة أخرى',
    check_link: 'تحقّق لاحقًا ممّا حدث لورقتك',
    check_link_help: 'تبيّن صفحة التحقق هل احتُسبت ورقتك أو حلّت محلّها ورقة أخرى، وتتحقّق من الإثباتات على هذا الجهاز.',
  },

  ku: {
    check_page_title: 'Pusulaya min kontrol bike — OpenBallot',
    check_heading: 'Pusulaya min kontrol bike',
    check_intro:
      'Koda şopandinê ya pusulaya xwe binivîse, an pelê meqbûzê ku cihê dengdanê tomar kir veke. Ev amûr bersiva tabloya giştî bi xwe kontrol dike.',
    check_tracker_label: 'Koda şopandinê',
    check_tracker_help: '64 tîp, ji 0–9 û a–f. Valahî ne girîng in.',
    check_file_label: 'An pelê te yê meqbûzê',
    check_file_help:
      'Bi pelê meqbûzê, ev amûr herwiha kontrol dike ku tabloyê ji wê demê ve tomara xwe ji nû ve nenivîsiye.',
    check_submit: 'Kontrol bike',
    checking: 'Ji tabloya giştî tê pirsîn û bersiva wê tê kontrolkirin…',
    check_tracker_empty: 'Koda şopandinê binivîse an pelê meqbûza xwe hilbijêre.',
    check_tracker_format: 'Koda şopandinê 64 tîp e, ji 0–9 û a–f. Ji kerema xwe tiştê ku te nivîsiye kontrol bike.',
    check_file_bad: 'Ev pel ne meqbûzeke OpenBallot e.',
    check_file_election: 'Ev meqbûz ji bo hilbijartineke din e ({id}).',
    check_result_heading: 'Çi hat serê pusulaya te',
    check_proven: 'hat îspatkirin',
    check_not_proven: 'NEHAT ÎSPATKIRIN',
    fate_recorded:
      'Pusulaya te li ser tabloya giştî tomarkirî ye. Dengdan hê vekirî ye: ew pusulaya te ya niha ye û dê were hesibandin, heke tu dîsa deng nedî.',
    fate_audited:
      'Ev pusula hat kontrolkirin (îtiraz lê hat kirin): ji bo kontrolkirina şîfreya wê hat vekirin, û nayê hesibandin.',
    fate_superseded:
      'Pusulayeke paşê ya bi heman kodê hat dayîn cihê vê pusulayê girt (cih {later} di tomarê de). Ew pusulaya paşê li şûna wê tê hesibandin.',
    fate_counted: 'Pusulaya te hat hesibandin: ew di jimartinê de ye.',
    fate_not_counted: 'Ev pusula li ser tabloya giştî ye, lê nayê hesibandin.',
    fate_absent: 'Ev pusula li ser tabloya giştî tune ye.',
    fate_absent_receipted:
      'Tabloya giştî dibêje ku ev pusula li cem wê tune ye, lê meqbûza te ya ku tabloyê îmze kiriye îspat dike ku wê ew qebûl kiriye. Meqbûza xwe biparêze û bide çavdêrên hilbijartinê.',
    check_checks_heading: 'Ev amûr çi kontrol kir',
    check_signature_ok: 'Tabloya giştî rewşa xwe ya dawî îmze kir: {size} tomar.',
    check_inclusion_ok: 'Pusulaya te di wê rewşê de ye, li cihê {index}: delîl rast e.',
    check_consistency_ok:
      'Tomar hê her tiştê ku dema meqbûza te hat îmzekirin tê de bû dihewîne ({first} tomar): tabloyê ew ji nû ve nenivîsiye.',
    check_consistency_skipped:
      'Bêyî pelê meqbûzê nehat kontrolkirin: ku tabloyê ji meqbûza te û vir ve tomara xwe ji nû ve nenivîsiye.',
    check_receipt_ok: 'Meqbûza te ji aliyê tabloya giştî ve hatiye îmzekirin û navê vê pusulayê dide.',
    check_fail: 'Bersiva tabloya giştî vê îspat nake. Meqbûza xwe biparêze û ji çavdêrên hilbijartinê re bibêje.',
    check_fail_answer: 'Bersiva tabloyê ne li ser vê pusulayê ye, an jî ne di şêweyê rast de ye.',
    check_fail_signature: 'Îmzeya tabloyê li ser rewşa wê ya dawî ne rast e.',
    check_fail_inclusion: 'Delîla ku pusulaya te di tomara tabloyê de ye ne rast e.',
    check_fail_receipt: 'Meqbûza te ne rast e, an navê tomareke din dide ji ya ku tablo niha dide.',
    check_fail_consistency:
      'Tomara tabloyê ne berdewamiya wê tomarê ye ku meqbûza te li ser hatiye îmzekirin: dibe ku ji nû ve hatibe nivîsandin.',
    check_fail_network: 'Negihîşt tabloya giştî, ji ber vê tiştek nehat kontrolkirin. Paşê dîsa biceribîne.',
    check_signed_on: 'Dema îmzekirina rewşa dawî',
    check_again: 'Pusulayeke din kontrol bike',
    check_link: 'Paşê kontrol bike ka çi hat serê pusulaya te',
    check_link_help:
      'Rûpela kontrolê nîşan dide ka pusulaya te hat hesibandin an hat guhertin, û delîlan li ser vê amûrê kontrol dike.',
  },
};
