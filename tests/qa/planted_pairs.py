"""Correct translations we wrote ourselves (en → fr, en → vi), the clean side of the planted-error test.

Each case: source, translation, and the pieces the planters alter: a number as written in the
translation, the translation's date, a source name and its accepted local form in the translation,
and a phrase of the translation with its English original (to plant "English left in").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pair:
    lang: str
    source: str
    target: str
    number: str  # as written in the target
    date: str | None  # as written in the target
    name: tuple[str, str] | None  # (wrong form to plant, correct form in the target)
    phrase: tuple[str, str]  # (target phrase, its English source)


FR = [
    Pair(
        "fr",
        "On June 5, Chinese President Xi Jinping spoke by phone with his counterpart for 90 minutes.",
        "Le 5 juin, le président chinois Xi Jinping s'est entretenu au téléphone avec son homologue "
        "pendant 90 minutes.",
        "90",
        "5 juin",
        None,
        ("son homologue", "his counterpart"),
    ),
    Pair(
        "fr",
        "Exports of rare earths from Beijing fell by 12.5% in March, the customs office said.",
        "Les exportations de terres rares depuis Pékin ont baissé de 12,5 % en mars, selon les douanes.",
        "12,5",
        None,
        ("Beijing", "Pékin"),
        ("selon les douanes", "the customs office said"),
    ),
    Pair(
        "fr",
        "The truce agreed in Geneva on May 12 suspends new tariffs for 90 days.",
        "La trêve conclue à Genève le 12 mai suspend les nouveaux droits de douane pendant 90 jours.",
        "90",
        "12 mai",
        ("Geneva", "Genève"),
        ("la trêve", "the truce"),
    ),
    Pair(
        "fr",
        "The company hired 1,250 workers last year and plans to add 300 more by 2027.",
        "L'entreprise a embauché 1 250 salariés l'an dernier et prévoit d'en ajouter 300 d'ici 2027.",
        "1 250",
        None,
        None,
        ("l'an dernier", "last year"),
    ),
    Pair(
        "fr",
        "Prime Minister Keir Starmer arrived in London on Tuesday after a two-day visit to Paris.",
        "Le Premier ministre Keir Starmer est arrivé mardi à Londres après une visite de deux jours à Paris.",
        "deux",
        None,
        ("London", "Londres"),
        ("une visite", "a visit"),
    ),
    Pair(
        "fr",
        "Inflation slowed to 2.4% in September, its lowest level since April 2021.",
        "L'inflation a ralenti à 2,4 % en septembre, son plus bas niveau depuis avril 2021.",
        "2,4",
        "avril 2021",
        None,
        ("son plus bas niveau", "its lowest level"),
    ),
    Pair(
        "fr",
        "The central bank in Moscow raised its key rate to 16% on October 27.",
        "La banque centrale, à Moscou, a relevé son taux directeur à 16 % le 27 octobre.",
        "16",
        "27 octobre",
        ("Moscow", "Moscou"),
        ("son taux directeur", "its key rate"),
    ),
    Pair(
        "fr",
        "About 4,000 people marched through the city centre, police said.",
        "Environ 4 000 personnes ont défilé dans le centre-ville, selon la police.",
        "4 000",
        None,
        None,
        ("le centre-ville", "the city centre"),
    ),
    Pair(
        "fr",
        "The World Bank will lend Kenya $750 million to build roads and schools.",
        "La Banque mondiale prêtera 750 millions de dollars au Kenya pour construire des routes "
        "et des écoles.",
        "750",
        None,
        None,
        ("des routes et des écoles", "roads and schools"),
    ),
    Pair(
        "fr",
        "Voters in Brazil will return to the polls on October 30 for a second round.",
        "Les électeurs du Brésil retourneront aux urnes le 30 octobre pour un second tour.",
        "30",
        "30 octobre",
        None,
        ("un second tour", "a second round"),
    ),
]

VI = [
    Pair(
        "vi",
        "On June 5, Chinese President Xi Jinping spoke by phone with his counterpart for 90 minutes.",
        "Ngày 5/6, Chủ tịch Trung Quốc Tập Cận Bình đã điện đàm với người đồng cấp trong 90 phút.",
        "90",
        "Ngày 5/6",
        ("Xi Jinping", "Tập Cận Bình"),
        ("người đồng cấp", "his counterpart"),
    ),
    Pair(
        "vi",
        "Exports of rare earths from Beijing fell by 12.5% in March, the customs office said.",
        "Theo cơ quan hải quan, xuất khẩu đất hiếm từ Bắc Kinh đã giảm 12,5% trong tháng 3.",
        "12,5",
        None,
        ("Beijing", "Bắc Kinh"),
        ("cơ quan hải quan", "the customs office"),
    ),
    Pair(
        "vi",
        "The truce agreed in Geneva on May 12 suspends new tariffs for 90 days.",
        "Thỏa thuận đình chiến đạt được tại Geneva ngày 12/5 tạm hoãn các mức thuế quan mới trong 90 ngày.",
        "90",
        "ngày 12/5",
        None,
        ("thuế quan mới", "new tariffs"),
    ),
    Pair(
        "vi",
        "The company hired 1,250 workers last year and plans to add 300 more by 2027.",
        "Công ty đã tuyển 1.250 công nhân vào năm ngoái và dự kiến tuyển thêm 300 người nữa trước năm 2027.",
        "1.250",
        None,
        None,
        ("công nhân", "workers"),
    ),
    Pair(
        "vi",
        "Prime Minister Keir Starmer arrived in London on Tuesday after a two-day visit to Paris.",
        "Thủ tướng Keir Starmer đã đến Luân Đôn hôm thứ Ba sau chuyến thăm hai ngày tới Paris.",
        "hai",
        None,
        ("London", "Luân Đôn"),
        ("chuyến thăm", "visit"),
    ),
    Pair(
        "vi",
        "Inflation slowed to 2.4% in September, its lowest level since April 2021.",
        "Lạm phát chậm lại ở mức 2,4% trong tháng 9, mức thấp nhất kể từ tháng 4/2021.",
        "2,4",
        "tháng 4/2021",
        None,
        ("mức thấp nhất", "lowest level"),
    ),
    Pair(
        "vi",
        "The central bank in Moscow raised its key rate to 16% on October 27.",
        "Ngân hàng trung ương ở Moskva đã nâng lãi suất chủ chốt lên 16% vào ngày 27/10.",
        "16",
        "ngày 27/10",
        None,
        ("lãi suất chủ chốt", "key rate"),
    ),
    Pair(
        "vi",
        "About 4,000 people marched through the city centre, police said.",
        "Theo cảnh sát, khoảng 4.000 người đã tuần hành qua trung tâm thành phố.",
        "4.000",
        None,
        None,
        ("trung tâm thành phố", "city centre"),
    ),
    Pair(
        "vi",
        "The World Bank will lend Kenya $750 million to build roads and schools.",
        "Ngân hàng Thế giới sẽ cho Kenya vay 750 triệu USD để xây dựng đường sá và trường học.",
        "750",
        None,
        None,
        ("đường sá và trường học", "roads and schools"),
    ),
    Pair(
        "vi",
        "Voters in Brazil will return to the polls on October 30 for a second round.",
        "Cử tri Brazil sẽ quay lại điểm bỏ phiếu vào ngày 30/10 cho vòng hai.",
        "30",
        "ngày 30/10",
        None,
        ("vòng hai", "second round"),
    ),
]

PAIRS = FR + VI
