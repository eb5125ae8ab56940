"""The fields an observer roster may have, and the headers that name them in ru, kk and en."""

from flask_babel import lazy_gettext as _l

FIELDS = {
    "full_name": _l("Full name"),
    "iin": _l("IIN"),
    "birth_date": _l("Date of birth"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "city": _l("City or district"),
    "languages": _l("Languages"),
    "experience": _l("Experience"),
    "availability": _l("Availability"),
    "channel": _l("Channel"),
    "campaign": _l("Campaign"),
    "applied_at": _l("Application date"),
    "consent": _l("Consent to the processing of personal data"),
}
# Without these columns no row can pass the rules. Consent is required too, unless the
# coordinator confirms on the upload form that it was collected on paper.
REQUIRED_FIELDS = ("full_name", "iin", "birth_date", "phone", "languages")

SYNONYMS: dict[str, list[str]] = {
    "full_name": ["ФИО", "Ф.И.О.", "Фамилия имя отчество", "Фамилия, имя, отчество",
                  "Имя и фамилия", "Полное имя", "Аты-жөні", "Аты жөні", "Тегі, аты, әкесінің аты",
                  "Толық аты-жөні", "Full name", "Name", "Fullname", "Observer", "Наблюдатель"],
    "iin": ["ИИН", "ЖСН", "IIN", "Individual identification number",
            "Индивидуальный идентификационный номер", "Жеке сәйкестендіру нөмірі"],
    "birth_date": ["Дата рождения", "Туған күні", "Туған күні, айы, жылы", "Туған жылы",
                   "Date of birth", "Birth date", "Birthdate", "DOB", "Birthday"],
    "phone": ["Телефон", "Номер телефона", "Мобильный телефон", "Моб. телефон", "Тел",
              "Телефон нөмірі", "Ұялы телефон", "Phone", "Phone number", "Mobile", "Tel",
              "WhatsApp"],
    "email": ["Email", "E-mail", "Эл. почта", "Электронная почта", "Почта",
              "Электрондық пошта", "Эл. пошта", "Пошта", "Email address", "Mail",
              "Адрес электронной почты", "Электрондық пошта мекенжайы"],
    "city": ["Город", "Город/район", "Город или район", "Населенный пункт", "Район", "Қала",
             "Қала/аудан", "Аудан", "Елді мекен", "City", "Town", "City or district",
             "District"],
    "languages": ["Языки", "Язык", "Владение языками", "Какими языками владеете", "Тілдер",
                  "Тіл", "Қандай тілдерді білесіз", "Languages", "Language",
                  "Languages spoken"],
    "experience": ["Опыт", "Опыт наблюдения", "Были ли наблюдателем", "Тәжірибе",
                   "Байқаушы тәжірибесі", "Experience", "Observation experience",
                   "Previous experience"],
    "availability": ["Доступность", "Когда можете", "Время", "Занятость", "Уақыт",
                     "Қашан бос", "Availability", "Available", "When available"],
    "channel": ["Откуда узнали", "Откуда вы узнали о нас", "Канал", "Источник",
                "Қайдан білдіңіз", "Арна", "Дереккөз", "Source", "Channel",
                "How did you hear about us"],
    "campaign": ["Кампания", "Метка", "Науқан", "Campaign", "UTM campaign", "Tag"],
    # Google Forms names its first column so, in Russian, Kazakh and English.
    "applied_at": ["Отметка времени", "Уақыт белгісі", "Timestamp", "Дата заявки",
                   "Дата подачи заявки", "Өтініш күні", "Application date", "Submitted at"],
    "consent": ["Согласие", "Согласие на обработку персональных данных",
                "Согласие на обработку данных", "Обработку персональных данных", "Келісім",
                "Дербес деректерді өңдеуге келісім", "Жеке деректерді өңдеуге келісім",
                "Деректерді өңдеуге келісім", "Consent", "Personal data consent",
                "Processing of my personal data"],
}
