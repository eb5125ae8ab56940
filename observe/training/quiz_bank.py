"""A starter quiz bank for the four standard modules, in Russian, Kazakh and English.

The questions stay general and factual (the Constitutional Law "On elections in the Republic of
Kazakhstan" and ordinary observation practice); HQ edits and extends them afterwards.
"""

from observe.extensions import db
from observe.training.models import QuizOption, QuizQuestion, TrainingModule


def _t(ru: str, kk: str, en: str) -> dict:
    return {"ru": ru, "kk": kk, "en": en}


# (question texts, multiple choice?, [(correct?, option texts), ...]) per module code.
BANK: dict[str, list[tuple[dict, bool, list[tuple[bool, dict]]]]] = {
    "polling-day-tasks": [
        (_t("В какое время открыты избирательные участки в день голосования?",
            "Дауыс беру күні сайлау учаскелері қай уақытта ашық болады?",
            "When are polling stations open on polling day?"), False, [
            (True, _t("С 07:00 до 20:00 по местному времени",
                      "Жергілікті уақыт бойынша 07:00-ден 20:00-ге дейін",
                      "From 07:00 to 20:00 local time")),
            (False, _t("С 08:00 до 20:00 по времени Астаны",
                       "Астана уақыты бойынша 08:00-ден 20:00-ге дейін",
                       "From 08:00 to 20:00 Astana time")),
            (False, _t("С 09:00 до 18:00 по местному времени",
                       "Жергілікті уақыт бойынша 09:00-ден 18:00-ге дейін",
                       "From 09:00 to 18:00 local time")),
            (False, _t("С 07:00 до 22:00 по местному времени",
                       "Жергілікті уақыт бойынша 07:00-ден 22:00-ге дейін",
                       "From 07:00 to 22:00 local time")),
        ]),
        (_t("Когда наблюдателю лучше прийти на участок?",
            "Бақылаушыға учаскеге қашан келген жөн?",
            "When should an observer arrive at the polling station?"), False, [
            (True, _t("До открытия участка, чтобы увидеть подготовку и опечатывание урн",
                      "Учаске ашылғанға дейін, дайындықты және жәшіктердің мөрленуін көру үшін",
                      "Before it opens, to see the preparations and the sealing of the "
                      "ballot boxes")),
            (False, _t("В полдень, когда больше всего избирателей",
                       "Түсте, сайлаушылар ең көп болған кезде",
                       "At noon, when most voters come")),
            (False, _t("Только к подсчёту голосов вечером",
                       "Кешке тек дауыстарды санауға",
                       "Only for the count in the evening")),
        ]),
        (_t("Что делает наблюдатель в день голосования?",
            "Дауыс беру күні бақылаушы не істейді?",
            "What does an observer do on polling day?"), True, [
            (True, _t("Наблюдает за открытием участка, голосованием и подсчётом голосов",
                      "Учаскенің ашылуын, дауыс беруді және дауыстарды санауды бақылайды",
                      "Watches the opening, the voting and the count")),
            (True, _t("Записывает нарушения: время, что произошло, кто видел",
                      "Бұзушылықтарды жазып алады: уақыты, не болғаны, кім көргені",
                      "Writes down violations: the time, what happened, who saw it")),
            (True, _t("Передаёт координатору данные о явке и отчёты",
                      "Үйлестірушіге келу деректерін және есептерді жібереді",
                      "Sends turnout figures and reports to the coordinator")),
            (False, _t("Помогает избирателям заполнять бюллетени",
                       "Сайлаушыларға бюллетень толтыруға көмектеседі",
                       "Helps voters fill in their ballots")),
            (False, _t("Выдаёт бюллетени, когда комиссия занята",
                       "Комиссия бос болмағанда бюллетень береді",
                       "Hands out ballots when the commission is busy")),
        ]),
        (_t("Наблюдатель увидел нарушение. Что ему делать?",
            "Бақылаушы бұзушылықты көрді. Ол не істеуі керек?",
            "An observer sees a violation. What should they do?"), False, [
            (True, _t("Записать факты, сообщить председателю участковой комиссии и координатору",
                      "Фактілерді жазып алып, учаскелік комиссия төрағасына және үйлестірушіге "
                      "хабарлау",
                      "Write down the facts and tell the chair of the precinct commission and "
                      "the coordinator")),
            (False, _t("Остановить голосование",
                       "Дауыс беруді тоқтату",
                       "Stop the voting")),
            (False, _t("Спорить с избирателем",
                       "Сайлаушымен айтысу",
                       "Argue with the voter")),
            (False, _t("Ничего не делать, чтобы не мешать",
                       "Кедергі келтірмеу үшін ештеңе істемеу",
                       "Do nothing, so as not to disturb anyone")),
        ]),
        (_t("К кому наблюдатель обращается с замечаниями на участке?",
            "Бақылаушы учаскеде ескертпелерін кімге айтады?",
            "Whom does an observer address with remarks at the station?"), False, [
            (True, _t("К председателю участковой избирательной комиссии",
                      "Учаскелік сайлау комиссиясының төрағасына",
                      "The chair of the precinct election commission")),
            (False, _t("К избирателям в очереди",
                       "Кезекте тұрған сайлаушыларға",
                       "The voters in the queue")),
            (False, _t("Ни к кому: наблюдатель молчит весь день",
                       "Ешкімге: бақылаушы күні бойы үндемейді",
                       "Nobody: an observer keeps silent all day")),
        ]),
        (_t("Что из этого наблюдатель должен отметить как возможное нарушение?",
            "Мыналардың қайсысын бақылаушы ықтимал бұзушылық ретінде белгілеуі керек?",
            "Which of these should an observer note as a possible violation?"), True, [
            (True, _t("Урна для голосования не опечатана",
                      "Дауыс беруге арналған жәшік мөрленбеген",
                      "A ballot box is not sealed")),
            (True, _t("Один человек голосует за других",
                      "Бір адам басқалар үшін дауыс береді",
                      "One person votes for others")),
            (True, _t("Агитация на участке в день голосования",
                      "Дауыс беру күні учаскеде үгіт жүргізу",
                      "Campaigning at the station on polling day")),
            (False, _t("Избиратель предъявляет удостоверение личности",
                       "Сайлаушы жеке куәлігін көрсетеді",
                       "A voter shows an identity document")),
            (False, _t("Член комиссии сверяется со списком избирателей",
                       "Комиссия мүшесі сайлаушылар тізімін тексереді",
                       "A commission member checks the voter list")),
        ]),
    ],
    "rights-and-duties": [
        (_t("Что наблюдатель вправе делать?",
            "Бақылаушы не істеуге құқылы?",
            "What may an observer do?"), True, [
            (True, _t("Присутствовать на участке во время голосования и подсчёта голосов",
                      "Дауыс беру және дауыстарды санау кезінде учаскеде болу",
                      "Be present at the station during the voting and the count")),
            (True, _t("Наблюдать за выдачей бюллетеней избирателям",
                      "Сайлаушыларға бюллетеньдердің берілуін бақылау",
                      "Watch ballots being issued to voters")),
            (True, _t("Получить копию протокола об итогах голосования",
                      "Дауыс беру қорытындылары туралы хаттаманың көшірмесін алу",
                      "Receive a copy of the protocol of the results")),
            (False, _t("Заполнять бюллетени за избирателей",
                       "Сайлаушылардың орнына бюллетень толтыру",
                       "Fill in ballots for voters")),
            (False, _t("Давать указания членам комиссии",
                       "Комиссия мүшелеріне нұсқау беру",
                       "Give orders to commission members")),
        ]),
        (_t("Может ли наблюдатель вмешиваться в работу избирательной комиссии?",
            "Бақылаушы сайлау комиссиясының жұмысына араласа ала ма?",
            "May an observer interfere with the work of the election commission?"), False, [
            (True, _t("Нет: он наблюдает и может обращаться к председателю, но не вмешивается",
                      "Жоқ: ол бақылайды және төрағаға жүгіне алады, бірақ араласпайды",
                      "No: they observe and may speak to the chair, but do not interfere")),
            (False, _t("Да, если видит нарушение",
                       "Иә, егер бұзушылықты көрсе",
                       "Yes, if they see a violation")),
            (False, _t("Да, если разрешит председатель",
                       "Иә, егер төраға рұқсат етсе",
                       "Yes, if the chair allows it")),
        ]),
        (_t("Может ли наблюдатель агитировать за кандидата или партию на участке?",
            "Бақылаушы учаскеде кандидат немесе партия үшін үгіт жүргізе ала ма?",
            "May an observer campaign for a candidate or a party at the station?"), False, [
            (True, _t("Нет, никогда", "Жоқ, ешқашан", "No, never")),
            (False, _t("Да, если тихо", "Иә, егер тыныш болса", "Yes, if they do it quietly")),
            (False, _t("Да, после 18:00", "Иә, 18:00-ден кейін", "Yes, after 18:00")),
        ]),
        (_t("Куда можно обжаловать действия и решения участковой комиссии?",
            "Учаскелік комиссияның әрекеттері мен шешімдеріне қайда шағым жасауға болады?",
            "Where can the actions and decisions of a precinct commission be appealed?"),
         False, [
            (True, _t("В вышестоящую избирательную комиссию или в суд",
                      "Жоғары тұрған сайлау комиссиясына немесе сотқа",
                      "To a higher election commission or to a court")),
            (False, _t("Только в социальные сети",
                       "Тек әлеуметтік желілерге",
                       "Only on social media")),
            (False, _t("Никуда: решения комиссии окончательны",
                       "Ешқайда: комиссия шешімдері түпкілікті",
                       "Nowhere: the commission's decisions are final")),
        ]),
        (_t("Что наблюдатель предъявляет, придя на участок?",
            "Бақылаушы учаскеге келгенде не көрсетеді?",
            "What does an observer show on arriving at the station?"), False, [
            (True, _t("Направление организации, которая его направила, и удостоверение личности",
                      "Өзін жіберген ұйымның жолдамасын және жеке куәлігін",
                      "The referral of the organisation that sent them and an identity "
                      "document")),
            (False, _t("Ничего не нужно", "Ештеңе қажет емес", "Nothing is needed")),
            (False, _t("Партийный билет", "Партия билетін", "A party membership card")),
        ]),
        (_t("Чего наблюдатель делать не должен?",
            "Бақылаушы не істемеуі керек?",
            "What must an observer not do?"), True, [
            (True, _t("Нарушать тайну голосования, например заглядывать в кабину или бюллетень",
                      "Дауыс беру құпиясын бұзу, мысалы, кабинаға немесе бюллетеньге қарау",
                      "Break the secrecy of the vote, e.g. look into the booth or at a ballot")),
            (True, _t("Заполнять или выдавать бюллетени",
                      "Бюллетень толтыру немесе беру",
                      "Fill in or hand out ballots")),
            (True, _t("Вмешиваться в работу комиссии",
                      "Комиссияның жұмысына араласу",
                      "Interfere with the commission's work")),
            (False, _t("Вести записи о том, что происходит на участке",
                       "Учаскеде болып жатқан оқиғаларды жазып отыру",
                       "Keep notes of what happens at the station")),
        ]),
    ],
    "station-preparation": [
        (_t("Что взять с собой на участок?",
            "Учаскеге өзіңізбен не алу керек?",
            "What should you take to the station?"), True, [
            (True, _t("Направление от организации", "Ұйымның жолдамасын",
                      "The referral from your organisation")),
            (True, _t("Удостоверение личности", "Жеке куәлікті", "An identity document")),
            (True, _t("Чек-листы, ручку и заряженный телефон",
                      "Чек-парақтарды, қаламды және зарядталған телефонды",
                      "Checklists, a pen and a charged phone")),
            (False, _t("Агитационные листовки партии",
                       "Партияның үгіт парақшаларын",
                       "A party's campaign leaflets")),
        ]),
        (_t("Что нужно знать заранее, до дня голосования?",
            "Дауыс беру күніне дейін алдын ала не білу керек?",
            "What should you know before polling day?"), False, [
            (True, _t("Номер и адрес своего участка и контакты координатора",
                      "Өз учаскеңіздің нөмірі мен мекенжайын және үйлестірушінің байланыстарын",
                      "The number and address of your station and your coordinator's "
                      "contacts")),
            (False, _t("Только результаты прошлых выборов",
                       "Тек өткен сайлаудың нәтижелерін",
                       "Only the results of the last election")),
            (False, _t("Ничего: всё объяснят на участке",
                       "Ештеңе: бәрін учаскеде түсіндіреді",
                       "Nothing: everything is explained at the station")),
        ]),
        (_t("Что происходит с урнами перед началом голосования?",
            "Дауыс беру басталар алдында жәшіктермен не істеледі?",
            "What happens to the ballot boxes before voting starts?"), False, [
            (True, _t("Председатель показывает присутствующим, что они пусты, и их опечатывают",
                      "Төраға қатысушыларға олардың бос екенін көрсетеді, содан кейін оларды "
                      "мөрлейді",
                      "The chair shows those present that they are empty, then they are "
                      "sealed")),
            (False, _t("Их опечатывают накануне без свидетелей",
                       "Оларды бір күн бұрын куәларсыз мөрлейді",
                       "They are sealed the day before with nobody watching")),
            (False, _t("С ними ничего не происходит",
                       "Олармен ештеңе істелмейді",
                       "Nothing happens to them")),
        ]),
        (_t("Когда предвыборная агитация запрещена?",
            "Сайлауалды үгітке қашан тыйым салынады?",
            "When is election campaigning not allowed?"), False, [
            (True, _t("В день голосования и накануне него",
                      "Дауыс беру күні және оның алдындағы күні",
                      "On polling day and the day before it")),
            (False, _t("Только после 20:00 в день голосования",
                       "Дауыс беру күні тек 20:00-ден кейін",
                       "Only after 20:00 on polling day")),
            (False, _t("Никогда: агитировать можно в любое время",
                       "Ешқашан: үгітті кез келген уақытта жүргізуге болады",
                       "Never: campaigning is allowed at any time")),
        ]),
        (_t("Кто голосует на участке?",
            "Учаскеде кім дауыс береді?",
            "Who votes at a polling station?"), False, [
            (True, _t("Избиратели из списка участка, каждый лично",
                      "Учаске тізіміндегі сайлаушылар, әрқайсысы өзі",
                      "The voters on the station's list, each in person")),
            (False, _t("Любой житель города", "Қаланың кез келген тұрғыны",
                       "Anyone living in the city")),
            (False, _t("Родственники — за всю семью", "Туыстары — бүкіл отбасы үшін",
                       "Relatives, on behalf of the whole family")),
        ]),
        (_t("Что избиратель предъявляет, чтобы получить бюллетень?",
            "Бюллетень алу үшін сайлаушы не көрсетеді?",
            "What does a voter show to get a ballot?"), False, [
            (True, _t("Удостоверение личности или паспорт",
                      "Жеке куәлікті немесе төлқұжатты",
                      "An identity card or a passport")),
            (False, _t("Ничего", "Ештеңе", "Nothing")),
            (False, _t("Партийный билет", "Партия билетін", "A party membership card")),
        ]),
    ],
    "count-and-protocol": [
        (_t("Может ли наблюдатель присутствовать при подсчёте голосов?",
            "Бақылаушы дауыстарды санау кезінде қатыса ала ма?",
            "May an observer be present at the count?"), False, [
            (True, _t("Да, и наблюдать за всем подсчётом",
                      "Иә, және бүкіл санауды бақылай алады",
                      "Yes, and watch the whole count")),
            (False, _t("Нет, подсчёт закрытый",
                       "Жоқ, санау жабық өтеді",
                       "No, the count is closed")),
            (False, _t("Только с разрешения акима",
                       "Тек әкімнің рұқсатымен",
                       "Only with the akim's permission")),
        ]),
        (_t("Что комиссия делает до вскрытия урн после окончания голосования?",
            "Дауыс беру аяқталғаннан кейін жәшіктерді ашпас бұрын комиссия не істейді?",
            "What does the commission do before opening the ballot boxes after the polls "
            "close?"), False, [
            (True, _t("Подсчитывает и погашает неиспользованные бюллетени",
                      "Пайдаланылмаған бюллетеньдерді санап, жарамсыз етеді",
                      "Counts and cancels the unused ballots")),
            (False, _t("Сразу вскрывает урны",
                       "Жәшіктерді бірден ашады",
                       "Opens the boxes straight away")),
            (False, _t("Откладывает подсчёт на следующий день",
                       "Санауды келесі күнге қалдырады",
                       "Puts the count off until the next day")),
        ]),
        (_t("Может ли наблюдатель получить копию протокола об итогах голосования?",
            "Бақылаушы дауыс беру қорытындылары туралы хаттаманың көшірмесін ала ма?",
            "May an observer receive a copy of the protocol of the results?"), False, [
            (True, _t("Да", "Иә", "Yes")),
            (False, _t("Нет, протокол секретный",
                       "Жоқ, хаттама құпия",
                       "No, the protocol is secret")),
            (False, _t("Только через месяц после выборов",
                       "Тек сайлаудан бір айдан кейін",
                       "Only a month after the election")),
        ]),
        (_t("Что проверить в копии протокола?",
            "Хаттама көшірмесінде нені тексеру керек?",
            "What should you check in the copy of the protocol?"), True, [
            (True, _t("Что цифры совпадают с подсчитанными и объявленными",
                      "Сандардың саналған және жарияланған сандарға сәйкес келетінін",
                      "That the figures match those counted and announced")),
            (True, _t("Что протокол подписан членами комиссии",
                      "Хаттамаға комиссия мүшелерінің қол қойғанын",
                      "That the protocol is signed by the commission members")),
            (False, _t("Фамилии избирателей, проголосовавших за каждого кандидата",
                       "Әр кандидатқа дауыс берген сайлаушылардың тегін",
                       "The names of the voters who voted for each candidate")),
        ]),
        (_t("Как считается бюллетень, по которому нельзя определить волеизъявление "
            "избирателя?",
            "Сайлаушының еркін анықтау мүмкін болмайтын бюллетень қалай есептеледі?",
            "How is a ballot counted when the voter's choice cannot be determined?"), False, [
            (True, _t("Как недействительный", "Жарамсыз деп", "As invalid")),
            (False, _t("В пользу первого кандидата в списке",
                       "Тізімдегі бірінші кандидаттың пайдасына",
                       "For the first candidate on the list")),
            (False, _t("На усмотрение председателя",
                       "Төраға қалауы бойынша",
                       "As the chair decides")),
        ]),
        (_t("Подсчёт ведётся с нарушениями. Что делает наблюдатель?",
            "Санау бұзушылықтармен жүріп жатыр. Бақылаушы не істейді?",
            "The count is not done properly. What does the observer do?"), False, [
            (True, _t("Записывает факты, подаёт письменную жалобу председателю комиссии и "
                      "сообщает координатору",
                      "Фактілерді жазып алады, комиссия төрағасына жазбаша шағым береді және "
                      "үйлестірушіге хабарлайды",
                      "Writes down the facts, files a written complaint with the chair of the "
                      "commission and tells the coordinator")),
            (False, _t("Забирает бюллетени как доказательство",
                       "Бюллетеньдерді дәлел ретінде алып кетеді",
                       "Takes ballots away as evidence")),
            (False, _t("Молча уходит", "Үнсіз кетіп қалады", "Leaves without a word")),
        ]),
    ],
}


def ensure_demo_questions(modules: list[TrainingModule]) -> int:
    """Add the starter questions to standard modules that have none yet; return how many."""
    added = 0
    for module in modules:
        bank = BANK.get(module.code)
        if not bank or module.questions:
            continue
        for text, multiple, options in bank:
            question = QuizQuestion(text=dict(text), multiple=multiple, is_active=True)
            question.options = [QuizOption(text=dict(option), is_correct=correct)
                                for correct, option in options]
            module.questions.append(question)
            added += 1
    db.session.flush()
    return added
