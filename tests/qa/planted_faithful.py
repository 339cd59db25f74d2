"""Faithful translations we wrote ourselves (en → fr, en → vi), the clean side of the planted-error test
for the checks on weekdays, scripts, unsupported names, dropped clauses, negation, date order and
currency placement (tests/qa/test_planted_faithful.py).

Each pair is a correct, publishable translation. The other fields name the pieces the planters alter,
exactly as written in the translation (English fields: exactly as written in the source); a field is
None when the pair has no such piece.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Faithful:
    lang: str
    source: str
    target: str
    weekday: str | None = None  # as written in the target: « jeudi », « lundi matin », "hôm thứ Năm"
    other_weekday: str | None = None  # another weekday written the same way, to plant
    relative_day: str | None = None  # « hier », « ce matin », "hôm nay": replaces `weekday`
    date_local: str | None = None  # « 2 février 2026 », "ngày 12/2/2026"
    date_english_order: str | None = None  # « février 2, 2026 », "tháng 2 12, 2026"
    money_local: str | None = None  # « 5,62 $ », « 40 millions d'euros », "40 triệu USD"
    money_misplaced: str | None = None  # « $5,62 », « €40 millions », "$40 triệu"
    place: str | None = None  # as written in the target
    swapped_place: str | None = None  # another real place, in the target language, not in the source
    clause: str | None = None  # a numberless clause of the target; dropping it leaves grammatical text
    negation_edit: tuple[str, str] | None = None  # (target text, the same with its negation flipped)
    word: tuple[str, str] | None = None  # (a content word of the target, its English source word)
    number_word: str | None = None  # a number spelled out in the target (« trois »)
    foreign: str | None = None  # letters of a script neither language uses, to leak into the target


FR = [
    Faithful(
        "fr",
        "In Chicago, wheat futures fell to $5.62 a bushel on Monday morning, weighed down by a record "
        "harvest in Russia.",
        "À Chicago, les contrats à terme sur le blé sont tombés lundi matin à 5,62 $ le boisseau, "
        "plombés par une récolte record en Russie.",
        weekday="lundi matin",
        other_weekday="mercredi matin",
        relative_day="ce matin",
        money_local="5,62 $",
        money_misplaced="$5,62",
        place="Chicago",
        swapped_place="Toronto",
        clause=", plombés par une récolte record en Russie",
        negation_edit=("sont tombés", "ne sont pas tombés"),
        word=("blé", "wheat"),
        foreign="十七",
    ),
    Faithful(
        "fr",
        "Philippine President Ferdinand Marcos did not sign the fisheries agreement on Thursday, after "
        "talks with officials from Japan.",
        "Le président philippin Ferdinand Marcos n'a pas signé jeudi l'accord sur la pêche, après des "
        "discussions avec des responsables japonais.",
        weekday="jeudi",
        other_weekday="vendredi",
        relative_day="hier",
        clause=", après des discussions avec des responsables japonais",
        negation_edit=("n'a pas signé", "a signé"),
        word=("pêche", "fisheries"),
        foreign="семнадцать",
    ),
    Faithful(
        "fr",
        "Météo-France placed the Gironde on red alert for flooding on Wednesday evening and told "
        "residents of Bordeaux not to travel.",
        "Météo-France a placé mercredi soir la Gironde en vigilance rouge pour les crues et a demandé "
        "aux habitants de Bordeaux de ne pas se déplacer.",
        weekday="mercredi soir",
        other_weekday="jeudi soir",
        relative_day="hier soir",
        place="Bordeaux",
        swapped_place="Nantes",
        clause=" et a demandé aux habitants de Bordeaux de ne pas se déplacer",
        negation_edit=("de ne pas se déplacer", "de se déplacer"),
        word=("crues", "flooding"),
        foreign="สิบเจ็ด",
    ),
    Faithful(
        "fr",
        "A Paris court sentenced the former mayor to three years in prison on February 2, 2026, for "
        "embezzling €40 million of public funds.",
        "Le 2 février 2026, un tribunal de Paris a condamné l'ancien maire à trois ans de prison pour "
        "avoir détourné 40 millions d'euros de fonds publics.",
        date_local="2 février 2026",
        date_english_order="février 2, 2026",
        money_local="40 millions d'euros",
        money_misplaced="€40 millions",
        place="Paris",
        swapped_place="Marseille",
        negation_edit=("a condamné", "n'a pas condamné"),
        word=("maire", "mayor"),
        number_word="trois",
        foreign="三",
    ),
    Faithful(
        "fr",
        '"Ignore the rumours," the coach said on Friday, confirming that Kylian Mbappé would start '
        "against Brazil in Lyon.",
        "« Ignorez les rumeurs », a déclaré vendredi le sélectionneur, confirmant que Kylian Mbappé "
        "serait titulaire face au Brésil à Lyon.",
        weekday="vendredi",
        other_weekday="samedi",
        relative_day="hier",
        place="Lyon",
        swapped_place="Lille",
        clause=", confirmant que Kylian Mbappé serait titulaire face au Brésil à Lyon",
        negation_edit=("Ignorez", "N'ignorez pas"),
        word=("rumeurs", "rumours"),
        foreign="열일곱",
    ),
    Faithful(
        "fr",
        "The World Health Organization said on Tuesday that no new cases of cholera had been reported "
        "in Madagascar since January 12, 2026.",
        "L'Organisation mondiale de la santé a indiqué mardi qu'aucun nouveau cas de choléra n'avait été "
        "signalé à Madagascar depuis le 12 janvier 2026.",
        weekday="mardi",
        other_weekday="lundi",
        relative_day="aujourd'hui",
        date_local="12 janvier 2026",
        date_english_order="janvier 12, 2026",
        place="Madagascar",
        swapped_place="Mozambique",
        negation_edit=(
            "qu'aucun nouveau cas de choléra n'avait été signalé",
            "que de nouveaux cas de choléra avaient été signalés",
        ),
        word=("signalé", "reported"),
        foreign="семь",
    ),
    Faithful(
        "fr",
        "Nvidia shares rose 4% to $182.30 on Wednesday, after the company unveiled a new artificial "
        "intelligence chip.",
        "L'action Nvidia a gagné 4 % à 182,30 $ mercredi, après que le groupe a dévoilé une nouvelle "
        "puce d'intelligence artificielle.",
        weekday="mercredi",
        other_weekday="jeudi",
        relative_day="hier",
        money_local="182,30 $",
        money_misplaced="$182,30",
        clause=", après que le groupe a dévoilé une nouvelle puce d'intelligence artificielle",
        negation_edit=("a gagné", "n'a pas gagné"),
        word=("puce", "chip"),
        foreign="سبعة",
    ),
    Faithful(
        "fr",
        "The European Central Bank left its rates unchanged on Thursday and did not rule out a cut in March.",
        "La Banque centrale européenne a laissé jeudi ses taux inchangés et n'a pas exclu une baisse en "
        "mars.",
        weekday="jeudi",
        other_weekday="mardi",
        relative_day="aujourd'hui",
        clause=" et n'a pas exclu une baisse en mars",
        negation_edit=("n'a pas exclu", "a exclu"),
        word=("inchangés", "unchanged"),
        foreign="สิบ",
    ),
    Faithful(
        "fr",
        "The electoral commission in Kenya announced in Nairobi that the general election would be held "
        "on August 10, 2027.",
        "La commission électorale du Kenya a annoncé à Nairobi que les élections générales auraient lieu "
        "le 10 août 2027.",
        date_local="10 août 2027",
        date_english_order="août 10, 2027",
        place="Nairobi",
        swapped_place="Mombasa",
        negation_edit=("auraient lieu", "n'auraient pas lieu"),
        word=("élections", "election"),
        foreign="十七",
    ),
    Faithful(
        "fr",
        "Airbus delivered 71 aircraft in January despite a shortage of engines, the planemaker announced "
        "in Toulouse on Tuesday.",
        "Airbus a livré 71 appareils en janvier malgré la pénurie de moteurs, a annoncé mardi "
        "l'avionneur à Toulouse.",
        weekday="mardi",
        other_weekday="vendredi",
        relative_day="hier",
        place="Toulouse",
        swapped_place="Hambourg",
        clause=" malgré la pénurie de moteurs",
        negation_edit=("a livré", "n'a pas livré"),
        word=("moteurs", "engines"),
        foreign="семнадцать",
    ),
    Faithful(
        "fr",
        "A New York jury on Friday ordered the drugmaker to pay $3.4 billion to families in Ohio who "
        "blamed its painkillers for overdose deaths.",
        "Vendredi, un jury de New York a condamné le laboratoire à verser 3,4 milliards de dollars à des "
        "familles de l'Ohio qui accusaient ses antidouleurs d'avoir provoqué des décès par surdose.",
        weekday="Vendredi",
        other_weekday="Jeudi",
        relative_day="Hier",
        money_local="3,4 milliards de dollars",
        money_misplaced="$3,4 milliards",
        place="New York",
        swapped_place="Boston",
        clause=" qui accusaient ses antidouleurs d'avoir provoqué des décès par surdose",
        negation_edit=("a condamné", "n'a pas condamné"),
        word=("familles", "families"),
        foreign="十七",
    ),
    Faithful(
        "fr",
        "The mercury hit 44 degrees in Madrid on July 3, 2025, and the authorities asked residents to "
        "stay indoors.",
        "Le thermomètre a atteint 44 degrés à Madrid le 3 juillet 2025, et les autorités ont demandé aux "
        "habitants de rester chez eux.",
        date_local="3 juillet 2025",
        date_english_order="juillet 3, 2025",
        place="Madrid",
        swapped_place="Lisbonne",
        clause=", et les autorités ont demandé aux habitants de rester chez eux",
        negation_edit=("ont demandé", "n'ont pas demandé"),
        word=("autorités", "authorities"),
        foreign="สิบเจ็ด",
    ),
    Faithful(
        "fr",
        "The minister said on Sunday that she had never met the lobbyist and would not resign.",
        "La ministre a affirmé dimanche qu'elle n'avait jamais rencontré le lobbyiste et qu'elle ne "
        "démissionnerait pas.",
        weekday="dimanche",
        other_weekday="samedi",
        relative_day="hier",
        clause=" et qu'elle ne démissionnerait pas",
        negation_edit=("n'avait jamais rencontré", "avait rencontré"),
        word=("lobbyiste", "lobbyist"),
        foreign="سبعة",
    ),
    Faithful(
        "fr",
        "Real Madrid signed the striker for €65 million on January 30, 2026, the club said in a statement.",
        "Le Real Madrid a recruté l'attaquant pour 65 millions d'euros le 30 janvier 2026, a annoncé le "
        "club dans un communiqué.",
        date_local="30 janvier 2026",
        date_english_order="janvier 30, 2026",
        money_local="65 millions d'euros",
        money_misplaced="€65 millions",
        clause=", a annoncé le club dans un communiqué",
        negation_edit=("a recruté", "n'a pas recruté"),
        word=("communiqué", "statement"),
        foreign="열일곱",
    ),
    Faithful(
        "fr",
        "The European Commission fined the US tech company €500 million on Wednesday for breaching "
        "competition rules.",
        "La Commission européenne a infligé mercredi une amende de 500 millions d'euros au groupe "
        "technologique américain pour violation des règles de concurrence.",
        weekday="mercredi",
        other_weekday="lundi",
        relative_day="hier",
        money_local="500 millions d'euros",
        money_misplaced="€500 millions",
        clause=" pour violation des règles de concurrence",
        negation_edit=("a infligé", "n'a pas infligé"),
        word=("règles", "rules"),
        foreign="семь",
    ),
    Faithful(
        "fr",
        "Brent crude rose to $82.40 a barrel in London on March 4, 2026, as tensions in the Red Sea "
        "disrupted shipping.",
        "Le Brent a grimpé à 82,40 $ le baril à Londres le 4 mars 2026, les tensions en mer Rouge "
        "perturbant le transport maritime.",
        date_local="4 mars 2026",
        date_english_order="mars 4, 2026",
        money_local="82,40 $",
        money_misplaced="$82,40",
        place="mer Rouge",
        swapped_place="mer Noire",
        clause=", les tensions en mer Rouge perturbant le transport maritime",
        negation_edit=("a grimpé", "n'a pas grimpé"),
        word=("baril", "barrel"),
        foreign="十七",
    ),
    Faithful(
        "fr",
        "The government will spend €1.2 billion on hospitals from September 1, 2026, the health minister "
        "announced.",
        "Le gouvernement consacrera 1,2 milliard d'euros aux hôpitaux à partir du 1er septembre 2026, a "
        "annoncé le ministre de la Santé.",
        date_local="1er septembre 2026",
        date_english_order="septembre 1, 2026",
        money_local="1,2 milliard d'euros",
        money_misplaced="€1,2 milliard",
        clause=", a annoncé le ministre de la Santé",
        negation_edit=("consacrera", "ne consacrera pas"),
        word=("hôpitaux", "hospitals"),
        foreign="สิบเจ็ด",
    ),
    Faithful(
        "fr",
        "The highest court in Canada will hand down its ruling on April 14, 2026, and the decision "
        "cannot be appealed.",
        "La plus haute juridiction du Canada rendra son arrêt le 14 avril 2026, et cette décision ne "
        "pourra pas faire l'objet d'un appel.",
        date_local="14 avril 2026",
        date_english_order="avril 14, 2026",
        place="Canada",
        swapped_place="Mexique",
        clause=", et cette décision ne pourra pas faire l'objet d'un appel",
        negation_edit=("ne pourra pas faire", "pourra faire"),
        word=("arrêt", "ruling"),
        foreign="семнадцать",
    ),
]

VI = [
    Faithful(
        "vi",
        "Vietnam imported 5.2 million tonnes of wheat last year at an average price of $270 a tonne, "
        "mostly from Australia and Canada, the customs department said on Monday morning.",
        "Sáng thứ Hai, Tổng cục Hải quan cho biết năm ngoái Việt Nam đã nhập khẩu 5,2 triệu tấn lúa mì "
        "với giá trung bình 270 USD/tấn, chủ yếu từ Australia và Canada.",
        weekday="Sáng thứ Hai",
        other_weekday="Sáng thứ Tư",
        relative_day="Sáng nay",
        money_local="270 USD",
        money_misplaced="$270",
        place="Canada",
        swapped_place="Argentina",
        clause=", chủ yếu từ Australia và Canada",
        negation_edit=("đã nhập khẩu", "không nhập khẩu"),
        word=("lúa mì", "wheat"),
        foreign="十七",
    ),
    Faithful(
        "vi",
        "Thailand's prime minister did not sign the border agreement with Cambodia on Thursday, citing "
        "objections from the army.",
        "Thủ tướng Thái Lan đã không ký thỏa thuận biên giới với Campuchia hôm thứ Năm, với lý do quân "
        "đội phản đối.",
        weekday="hôm thứ Năm",
        other_weekday="hôm thứ Sáu",
        relative_day="hôm nay",
        place="Campuchia",
        swapped_place="Lào",
        clause=", với lý do quân đội phản đối",
        negation_edit=("đã không ký", "đã ký"),
        word=("biên giới", "border"),
        foreign="семнадцать",
    ),
    Faithful(
        "vi",
        "“Stay indoors and keep away from the river banks,” the authorities in Quang Ninh told residents "
        "on Saturday afternoon as Typhoon Yagi approached.",
        "“Hãy ở trong nhà và tránh xa bờ sông”, chính quyền tỉnh Quảng Ninh khuyến cáo người dân vào "
        "chiều thứ Bảy khi bão Yagi đang tiến gần.",
        weekday="chiều thứ Bảy",
        other_weekday="chiều Chủ nhật",
        relative_day="chiều nay",
        place="Quảng Ninh",
        swapped_place="Hải Phòng",
        clause=" khi bão Yagi đang tiến gần",
        negation_edit=("Hãy ở trong nhà", "Đừng ở trong nhà"),
        word=("người dân", "residents"),
        foreign="สิบเจ็ด",
    ),
    Faithful(
        "vi",
        "A Hanoi court sentenced the former chairman of a bank to 15 years in prison on February 12, "
        "2026, for embezzling $40 million.",
        "Ngày 12/2/2026, một tòa án tại Hà Nội đã tuyên phạt cựu chủ tịch một ngân hàng 15 năm tù vì "
        "tội tham ô 40 triệu USD.",
        date_local="Ngày 12/2/2026",
        date_english_order="Tháng 2 12, 2026",
        money_local="40 triệu USD",
        money_misplaced="$40 triệu",
        place="Hà Nội",
        swapped_place="Đà Nẵng",
        negation_edit=("đã tuyên phạt", "đã không tuyên phạt"),
        word=("ngân hàng", "bank"),
        foreign="二十",
    ),
    Faithful(
        "vi",
        "“Forget the rumours,” coach Kim Sang-sik told reporters in Hanoi on Friday, confirming that the "
        "team would face Thailand.",
        "“Hãy quên những tin đồn đi”, huấn luyện viên Kim Sang-sik nói với báo giới tại Hà Nội hôm thứ "
        "Sáu, đồng thời xác nhận đội tuyển sẽ gặp Thái Lan.",
        weekday="hôm thứ Sáu",
        other_weekday="hôm thứ Bảy",
        relative_day="hôm qua",
        place="Hà Nội",
        swapped_place="Huế",
        clause=", đồng thời xác nhận đội tuyển sẽ gặp Thái Lan",
        negation_edit=("Hãy quên", "Đừng quên"),
        word=("tin đồn", "rumours"),
        foreign="열일곱",
    ),
    Faithful(
        "vi",
        "The health ministry said on Tuesday that no new measles cases had been recorded in Ho Chi Minh "
        "City since January 15, 2026.",
        "Hôm thứ Ba, Bộ Y tế cho biết chưa ghi nhận ca mắc sởi mới nào tại Thành phố Hồ Chí Minh kể từ "
        "ngày 15/1/2026.",
        weekday="Hôm thứ Ba",
        other_weekday="Hôm thứ Tư",
        relative_day="Hôm nay",
        date_local="ngày 15/1/2026",
        date_english_order="tháng 1 15, 2026",
        place="Thành phố Hồ Chí Minh",
        swapped_place="Cần Thơ",
        negation_edit=("chưa ghi nhận ca mắc sởi mới nào", "đã ghi nhận ca mắc sởi mới"),
        word=("sởi", "measles"),
        foreign="семь",
    ),
    Faithful(
        "vi",
        "Samsung said on Wednesday it would invest $1.8 billion in a new semiconductor plant in Bac Ninh, "
        "after talks with officials from the provincial government.",
        "Samsung hôm thứ Tư thông báo sẽ đầu tư 1,8 tỷ USD vào một nhà máy bán dẫn mới tại Bắc Ninh, sau "
        "các cuộc làm việc với quan chức chính quyền tỉnh.",
        weekday="hôm thứ Tư",
        other_weekday="hôm thứ Năm",
        relative_day="hôm qua",
        money_local="1,8 tỷ USD",
        money_misplaced="$1,8 tỷ",
        place="Bắc Ninh",
        swapped_place="Thái Nguyên",
        clause=", sau các cuộc làm việc với quan chức chính quyền tỉnh",
        negation_edit=("sẽ đầu tư", "sẽ không đầu tư"),
        word=("nhà máy", "plant"),
        foreign="سبعة",
    ),
    Faithful(
        "vi",
        "The State Bank of Vietnam kept its refinancing rate unchanged on Thursday and did not rule out a "
        "cut later this year.",
        "Ngân hàng Nhà nước Việt Nam hôm thứ Năm giữ nguyên lãi suất tái cấp vốn và không loại trừ khả "
        "năng cắt giảm vào cuối năm nay.",
        weekday="hôm thứ Năm",
        other_weekday="hôm thứ Hai",
        relative_day="hôm nay",
        place="Việt Nam",
        swapped_place="Lào",
        clause=" và không loại trừ khả năng cắt giảm vào cuối năm nay",
        negation_edit=("không loại trừ", "loại trừ"),
        word=("lãi suất", "rate"),
        foreign="สิบ",
    ),
    Faithful(
        "vi",
        "Vietnam will hold its general election on March 15, 2026, the electoral council announced in Hanoi.",
        "Việt Nam sẽ tổ chức tổng tuyển cử vào ngày 15/3/2026, theo thông báo của hội đồng bầu cử tại "
        "Hà Nội.",
        date_local="ngày 15/3/2026",
        date_english_order="tháng 3 15, 2026",
        place="Hà Nội",
        swapped_place="Huế",
        clause=", theo thông báo của hội đồng bầu cử tại Hà Nội",
        negation_edit=("sẽ tổ chức", "sẽ không tổ chức"),
        word=("tổng tuyển cử", "election"),
        foreign="семнадцать",
    ),
    Faithful(
        "vi",
        "Singapore Airlines said on Monday it would buy 20 more Boeing jets for $4.6 billion, despite "
        "delays in deliveries.",
        "Singapore Airlines hôm thứ Hai cho biết sẽ mua thêm 20 máy bay Boeing với giá 4,6 tỷ USD, bất "
        "chấp tình trạng chậm giao hàng.",
        weekday="hôm thứ Hai",
        other_weekday="hôm thứ Ba",
        relative_day="hôm nay",
        money_local="4,6 tỷ USD",
        money_misplaced="$4,6 tỷ",
        clause=", bất chấp tình trạng chậm giao hàng",
        negation_edit=("sẽ mua", "sẽ không mua"),
        word=("máy bay", "jets"),
        foreign="三",
    ),
    Faithful(
        "vi",
        "A court in Seoul on Friday acquitted the former minister of bribery, ruling that prosecutors had "
        "not proved their case.",
        "Hôm thứ Sáu, một tòa án ở Seoul đã tuyên trắng án cho cựu bộ trưởng trong vụ nhận hối lộ, cho "
        "rằng bên công tố chưa chứng minh được cáo buộc.",
        weekday="Hôm thứ Sáu",
        other_weekday="Hôm thứ Năm",
        relative_day="Hôm qua",
        place="Seoul",
        swapped_place="Busan",
        clause=", cho rằng bên công tố chưa chứng minh được cáo buộc",
        negation_edit=("chưa chứng minh được", "đã chứng minh được"),
        word=("tòa án", "court"),
        foreign="十七",
    ),
    Faithful(
        "vi",
        "The temperature in Bangkok reached 41 degrees on April 20, 2025, and the authorities advised "
        "residents to stay indoors.",
        "Nhiệt độ tại Bangkok đã lên tới 41 độ C vào ngày 20/4/2025, và chính quyền khuyến cáo người dân "
        "ở trong nhà.",
        date_local="ngày 20/4/2025",
        date_english_order="tháng 4 20, 2025",
        place="Bangkok",
        swapped_place="Jakarta",
        clause=", và chính quyền khuyến cáo người dân ở trong nhà",
        negation_edit=("chính quyền khuyến cáo", "chính quyền không khuyến cáo"),
        word=("người dân", "residents"),
        foreign="семь",
    ),
    Faithful(
        "vi",
        "The mayor of Manila said on Sunday that he had never taken money from the developer and would "
        "not resign.",
        "Hôm Chủ nhật, thị trưởng Manila khẳng định ông chưa bao giờ nhận tiền của chủ đầu tư và sẽ "
        "không từ chức.",
        weekday="Hôm Chủ nhật",
        other_weekday="Hôm thứ Bảy",
        relative_day="Hôm qua",
        place="Manila",
        swapped_place="Cebu",
        clause=" và sẽ không từ chức",
        negation_edit=("chưa bao giờ nhận", "đã nhận"),
        word=("từ chức", "resign"),
        foreign="十七",
    ),
    Faithful(
        "vi",
        "Bayern Munich signed the striker for €40 million on January 30, 2026, the club said in a statement.",
        "Bayern Munich đã chiêu mộ tiền đạo này với giá 40 triệu euro vào ngày 30/1/2026, theo thông cáo "
        "của câu lạc bộ.",
        date_local="ngày 30/1/2026",
        date_english_order="tháng 1 30, 2026",
        money_local="40 triệu euro",
        money_misplaced="€40 triệu",
        clause=", theo thông cáo của câu lạc bộ",
        negation_edit=("đã chiêu mộ", "đã không chiêu mộ"),
        word=("tiền đạo", "striker"),
        foreign="열일곱",
    ),
    Faithful(
        "vi",
        "The European Union fined the online marketplace €200 million on Wednesday for failing to remove "
        "illegal products.",
        "Liên minh châu Âu hôm thứ Tư đã phạt sàn thương mại điện tử này 200 triệu euro vì không gỡ bỏ "
        "các sản phẩm bất hợp pháp.",
        weekday="hôm thứ Tư",
        other_weekday="hôm thứ Sáu",
        relative_day="hôm qua",
        money_local="200 triệu euro",
        money_misplaced="€200 triệu",
        clause=" vì không gỡ bỏ các sản phẩm bất hợp pháp",
        negation_edit=("không gỡ bỏ", "đã gỡ bỏ"),
        word=("sản phẩm", "products"),
        foreign="семнадцать",
    ),
    Faithful(
        "vi",
        "Brent crude rose to $84.10 a barrel on March 9, 2026, as attacks in the Red Sea disrupted shipping.",
        "Giá dầu Brent đã tăng lên 84,10 USD/thùng vào ngày 9/3/2026, do các vụ tấn công ở Biển Đỏ làm "
        "gián đoạn hoạt động vận tải biển.",
        date_local="ngày 9/3/2026",
        date_english_order="tháng 3 9, 2026",
        money_local="84,10 USD",
        money_misplaced="$84,10",
        place="Biển Đỏ",
        swapped_place="Biển Đen",
        clause=", do các vụ tấn công ở Biển Đỏ làm gián đoạn hoạt động vận tải biển",
        negation_edit=("đã tăng", "đã không tăng"),
        word=("dầu", "crude"),
        foreign="十七",
    ),
    Faithful(
        "vi",
        "Vietnam's exports to the United States rose 25% to $11.3 billion in January despite new "
        "tariffs, the customs department said.",
        "Theo Tổng cục Hải quan, xuất khẩu của Việt Nam sang Mỹ đã tăng 25% lên 11,3 tỷ USD trong tháng "
        "1, bất chấp các mức thuế quan mới.",
        money_local="11,3 tỷ USD",
        money_misplaced="$11,3 tỷ",
        place="Mỹ",
        swapped_place="Nhật Bản",
        clause=", bất chấp các mức thuế quan mới",
        negation_edit=("đã tăng", "đã không tăng"),
        word=("xuất khẩu", "exports"),
        foreign="семь",
    ),
    Faithful(
        "vi",
        "Indonesia's top court in Jakarta will rule on the election dispute on April 22, 2026, and its "
        "decision cannot be appealed.",
        "Tòa án tối cao Indonesia tại Jakarta sẽ ra phán quyết về vụ tranh chấp bầu cử vào ngày "
        "22/4/2026, và phán quyết này không thể bị kháng cáo.",
        date_local="ngày 22/4/2026",
        date_english_order="tháng 4 22, 2026",
        place="Jakarta",
        swapped_place="Surabaya",
        clause=", và phán quyết này không thể bị kháng cáo",
        negation_edit=("không thể bị kháng cáo", "có thể bị kháng cáo"),
        word=("tranh chấp", "dispute"),
        foreign="十七",
    ),
    Faithful(
        "vi",
        "Vietnam and Japan will sign a new labour agreement in Tokyo on May 20, 2026, the foreign "
        "ministry said.",
        "Việt Nam và Nhật Bản sẽ ký một thỏa thuận mới về lao động tại Tokyo vào ngày 20/5/2026, theo "
        "Bộ Ngoại giao.",
        date_local="ngày 20/5/2026",
        date_english_order="tháng 5 20, 2026",
        place="Tokyo",
        swapped_place="Osaka",
        clause=", theo Bộ Ngoại giao",
        negation_edit=("sẽ ký", "sẽ không ký"),
        word=("lao động", "labour"),
        foreign="سبعة",
    ),
]

FAITHFUL = FR + VI
