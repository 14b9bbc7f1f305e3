//! Every string of the console's own interface, in the six supported languages (the same set
//! as the widget). Customer text, department and tier ids come from the desk as they are.
//! Unknown locales fall back to English.

/// The languages the console is written in.
pub const LOCALES: [&str; 6] = ["en", "de", "cs", "bg", "pt", "tl"];

macro_rules! keys {
    ($($(#[$doc:meta])* $k:ident => [$en:expr, $de:expr, $cs:expr, $bg:expr, $pt:expr, $tl:expr],)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Key { $($(#[$doc])* $k,)* }

        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$k,)*];
        }

        fn table(key: Key) -> [&'static str; 6] {
            match key { $(Key::$k => [$en, $de, $cs, $bg, $pt, $tl],)* }
        }
    };
}

keys! {
    AppName => ["Handoff console", "Handoff-Konsole", "Konzole Handoff", "Конзола Handoff", "Consola Handoff", "Handoff console"],
    SignInTitle => ["Sign in", "Anmelden", "Přihlášení", "Вход", "Iniciar sessão", "Mag-sign in"],
    Email => ["Email", "E-Mail", "E-mail", "Имейл", "E-mail", "Email"],
    Password => ["Password", "Passwort", "Heslo", "Парола", "Palavra-passe", "Password"],
    SignIn => ["Sign in", "Anmelden", "Přihlásit se", "Влез", "Entrar", "Mag-sign in"],
    SignOut => ["Sign out", "Abmelden", "Odhlásit se", "Изход", "Sair", "Mag-sign out"],
    BadCredentials => ["Unknown email or wrong password.", "Unbekannte E-Mail oder falsches Passwort.", "Neznámý e-mail nebo špatné heslo.", "Непознат имейл или грешна парола.", "E-mail desconhecido ou palavra-passe errada.", "Hindi kilala ang email o mali ang password."],
    Presence => ["Status", "Status", "Stav", "Статус", "Estado", "Status"],
    Online => ["Online", "Online", "Online", "На линия", "Disponível", "Online"],
    Away => ["Away", "Abwesend", "Nepřítomen", "Отсъства", "Ausente", "Wala muna"],
    Offline => ["Offline", "Offline", "Offline", "Извън линия", "Offline", "Offline"],
    /// "{active}" and "{capacity}" are filled in.
    Load => ["Chats {active} of {capacity}", "Chats {active} von {capacity}", "Chaty {active} z {capacity}", "Чатове {active} от {capacity}", "Conversas {active} de {capacity}", "Chat {active} sa {capacity}"],
    Capacity => ["Capacity", "Kapazität", "Kapacita", "Капацитет", "Capacidade", "Kapasidad"],
    Language => ["Language", "Sprache", "Jazyk", "Език", "Idioma", "Wika"],
    Work => ["Work", "Arbeit", "Práce", "Работа", "Trabalho", "Trabaho"],
    Queue => ["Waiting", "Wartend", "Čekající", "Чакащи", "Em espera", "Naghihintay"],
    Mine => ["My conversations", "Meine Gespräche", "Moje konverzace", "Моите разговори", "As minhas conversas", "Mga usapan ko"],
    Supervisor => ["Supervisor", "Teamleitung", "Vedoucí", "Ръководител", "Supervisão", "Supervisor"],
    Tickets => ["Offline tickets", "Offline-Anfragen", "Offline požadavky", "Офлайн заявки", "Pedidos offline", "Mga offline ticket"],
    NothingWaiting => ["Nothing waiting.", "Nichts wartet.", "Nic nečeká.", "Няма чакащи.", "Nada em espera.", "Walang naghihintay."],
    NoConversations => ["No conversations assigned to you.", "Ihnen sind keine Gespräche zugewiesen.", "Nemáte přidělené žádné konverzace.", "Нямате възложени разговори.", "Não tem conversas atribuídas.", "Wala kang naka-assign na usapan."],
    /// "{time}" is filled in.
    Waited => ["waiting {time}", "wartet {time}", "čeká {time}", "чака {time}", "à espera há {time}", "naghihintay {time}"],
    /// "{time}" is filled in.
    SlaLeft => ["SLA {time} left", "SLA noch {time}", "SLA zbývá {time}", "SLA остават {time}", "SLA faltam {time}", "SLA {time} na lang"],
    /// "{time}" is filled in.
    SlaOver => ["SLA breached {time} ago", "SLA seit {time} verletzt", "SLA překročeno před {time}", "SLA нарушено преди {time}", "SLA ultrapassado há {time}", "Lampas na sa SLA nang {time}"],
    Open => ["Open", "Öffnen", "Otevřít", "Отвори", "Abrir", "Buksan"],
    Claim => ["Claim", "Übernehmen", "Převzít", "Поеми", "Assumir", "Kunin"],
    Reply => ["Reply to the customer", "Antwort an den Kunden", "Odpověď zákazníkovi", "Отговор до клиента", "Resposta ao cliente", "Sagot sa customer"],
    ReplyHint => ["Enter sends, Shift+Enter adds a line", "Enter sendet, Umschalt+Enter für neue Zeile", "Enter odešle, Shift+Enter nový řádek", "Enter изпраща, Shift+Enter нов ред", "Enter envia, Shift+Enter muda de linha", "Enter para ipadala, Shift+Enter para bagong linya"],
    Send => ["Send", "Senden", "Odeslat", "Изпрати", "Enviar", "Ipadala"],
    Note => ["Internal note (never shown to the customer)", "Interne Notiz (nie für den Kunden sichtbar)", "Interní poznámka (zákazník ji nevidí)", "Вътрешна бележка (клиентът не я вижда)", "Nota interna (nunca visível para o cliente)", "Internal note (hindi makikita ng customer)"],
    AddNote => ["Add note", "Notiz hinzufügen", "Přidat poznámku", "Добави бележка", "Adicionar nota", "Idagdag ang note"],
    Canned => ["Canned responses", "Textbausteine", "Připravené odpovědi", "Готови отговори", "Respostas prontas", "Mga handang sagot"],
    UseCanned => ["Insert", "Einfügen", "Vložit", "Вмъкни", "Inserir", "Ilagay"],
    Transfer => ["Transfer", "Weiterleiten", "Předat", "Прехвърли", "Transferir", "Ilipat"],
    Department => ["Department", "Abteilung", "Oddělení", "Отдел", "Departamento", "Departamento"],
    Escalate => ["Escalate to next tier", "An nächste Stufe eskalieren", "Eskalovat o úroveň výš", "Ескалирай към следващото ниво", "Escalar para o nível seguinte", "I-escalate sa susunod na antas"],
    EscalateNote => ["Why (for the next tier)", "Warum (für die nächste Stufe)", "Proč (pro vyšší úroveň)", "Защо (за следващото ниво)", "Porquê (para o nível seguinte)", "Bakit (para sa susunod na antas)"],
    HandBack => ["Hand back to the bot", "An den Bot zurückgeben", "Vrátit botovi", "Върни на бота", "Devolver ao assistente", "Ibalik sa bot"],
    Resolve => ["Resolve", "Erledigt", "Vyřešeno", "Приключи", "Resolver", "Lutasin"],
    ChooseDepartment => ["Choose a department…", "Abteilung wählen…", "Vyberte oddělení…", "Изберете отдел…", "Escolha um departamento…", "Pumili ng departamento…"],
    TransferEllipsis => ["Transfer…", "Weiterleiten…", "Předat…", "Прехвърли…", "Transferir…", "Ilipat…"],
    EscalateEllipsis => ["Escalate to next tier…", "An nächste Stufe eskalieren…", "Eskalovat o úroveň výš…", "Ескалирай към следващото ниво…", "Escalar para o nível seguinte…", "I-escalate sa susunod na antas…"],
    /// "{department}" is filled in.
    TransferAsk => ["Transfer this chat to {department}? It leaves your list.", "Dieses Gespräch an {department} weiterleiten? Es verlässt Ihre Liste.", "Předat tento chat oddělení {department}? Zmizí z vašeho seznamu.", "Да прехвърля ли разговора към {department}? Той ще напусне списъка ви.", "Transferir esta conversa para {department}? Sai da sua lista.", "Ilipat ang chat na ito sa {department}? Mawawala ito sa listahan mo."],
    EscalateAsk => ["Escalate this chat to the next tier? It leaves your list.", "Dieses Gespräch an die nächste Stufe eskalieren? Es verlässt Ihre Liste.", "Eskalovat tento chat o úroveň výš? Zmizí z vašeho seznamu.", "Да ескалирам ли разговора към следващото ниво? Той ще напусне списъка ви.", "Escalar esta conversa para o nível seguinte? Sai da sua lista.", "I-escalate ang chat na ito sa susunod na antas? Mawawala ito sa listahan mo."],
    TransferNote => ["Note for the next colleague (optional)", "Notiz für die Kollegin oder den Kollegen (optional)", "Poznámka pro kolegu (nepovinná)", "Бележка за колегата (по желание)", "Nota para o colega seguinte (opcional)", "Tala para sa susunod na kasamahan (opsyonal)"],
    Confirm => ["Confirm", "Bestätigen", "Potvrdit", "Потвърди", "Confirmar", "Kumpirmahin"],
    Cancel => ["Cancel", "Abbrechen", "Zrušit", "Отказ", "Cancelar", "Kanselahin"],
    /// "{department}" is filled in.
    DoneTransferred => ["Transferred to {department}.", "An {department} weitergeleitet.", "Předáno oddělení {department}.", "Прехвърлено към {department}.", "Transferido para {department}.", "Nailipat sa {department}."],
    DoneEscalated => ["Escalated to the next tier.", "An die nächste Stufe eskaliert.", "Eskalováno o úroveň výš.", "Ескалирано към следващото ниво.", "Escalado para o nível seguinte.", "Na-escalate sa susunod na antas."],
    DoneHandedBack => ["Handed back to the bot.", "An den Bot zurückgegeben.", "Vráceno botovi.", "Върнато на бота.", "Devolvido ao assistente.", "Ibinalik sa bot."],
    DoneResolved => ["Resolved.", "Als erledigt abgeschlossen.", "Označeno jako vyřešené.", "Приключено.", "Resolvido.", "Nalutas na."],
    /// "{active}" and "{capacity}" are filled in.
    AtCapacity => ["You have {active} of {capacity} chats: finish one or raise your capacity to claim.", "Sie haben {active} von {capacity} Chats: schließen Sie einen ab oder erhöhen Sie Ihre Kapazität.", "Máte {active} z {capacity} chatů: dokončete jeden nebo zvyšte kapacitu.", "Имате {active} от {capacity} чата: приключете един или увеличете капацитета си.", "Tem {active} de {capacity} conversas: termine uma ou aumente a sua capacidade.", "Mayroon kang {active} sa {capacity} na chat: tapusin ang isa o taasan ang kapasidad mo."],
    NotOnline => ["Go online to claim chats.", "Gehen Sie online, um Chats zu übernehmen.", "Pro převzetí chatů se přepněte do stavu online.", "Включете се на линия, за да поемате чатове.", "Fique disponível para assumir conversas.", "Mag-online para makakuha ng chat."],
    WithBot => ["With the bot", "Mit dem Bot", "S botem", "С бота", "Com o assistente", "Kasama ang bot"],
    /// "{reason}" is filled in.
    HandedOver => ["Handed to a person: {reason}", "An einen Menschen übergeben: {reason}", "Předáno člověku: {reason}", "Предадено на служител: {reason}", "Passado a uma pessoa: {reason}", "Ipinasa sa tao: {reason}"],
    WithYou => ["with you", "bei Ihnen", "u vás", "при вас", "consigo", "nasa iyo"],
    MailTrouble => ["Mail not delivered", "Nicht zugestellte E-Mails", "Nedoručené e-maily", "Недоставени имейли", "E-mails não entregues", "Mga email na hindi naihatid"],
    MailTo => ["To", "An", "Komu", "До", "Para", "Para kay"],
    MailSubject => ["Subject", "Betreff", "Předmět", "Тема", "Assunto", "Paksa"],
    MailAttempts => ["Attempts", "Versuche", "Pokusy", "Опити", "Tentativas", "Mga pagsubok"],
    MailLastError => ["Last error", "Letzter Fehler", "Poslední chyba", "Последна грешка", "Último erro", "Huling error"],
    MailRetrying => ["retrying at {time}", "neuer Versuch um {time}", "další pokus v {time}", "нов опит в {time}", "nova tentativa às {time}", "susubukan muli sa {time}"],
    MailGivenUp => ["given up", "aufgegeben", "vzdáno", "отказано", "desistido", "itinigil na"],
    MailReceipt => ["receipt", "Eingangsbestätigung", "potvrzení", "потвърждение", "confirmação", "resibo"],
    MailAnswer => ["answer", "Antwort", "odpověď", "отговор", "resposta", "sagot"],
    MailTranscript => ["copy of the chat", "Kopie des Chats", "kopie chatu", "копие от чата", "cópia do chat", "kopya ng chat"],
    MailTicketNotice => ["new-ticket notice", "Hinweis auf neues Ticket", "upozornění na nový tiket", "известие за нов тикет", "aviso de novo ticket", "abiso ng bagong ticket"],
    AccountDeactivated => ["This account was deactivated. Please ask your manager.", "Dieses Konto wurde deaktiviert. Bitte wenden Sie sich an Ihre Leitung.", "Tento účet byl deaktivován. Obraťte se prosím na svého vedoucího.", "Този акаунт е деактивиран. Моля, обърнете се към своя мениджър.", "Esta conta foi desativada. Fale com o seu gestor.", "Na-deactivate ang account na ito. Makipag-ugnayan sa iyong manager."],
    Account => ["Account", "Konto", "Účet", "Акаунт", "Conta", "Account"],
    MyAccount => ["My account", "Mein Konto", "Můj účet", "Моят акаунт", "A minha conta", "Aking account"],
    ChangePassword => ["Change password", "Passwort ändern", "Změnit heslo", "Смени паролата", "Alterar palavra-passe", "Palitan ang password"],
    CurrentPassword => ["Current password", "Aktuelles Passwort", "Současné heslo", "Текуща парола", "Palavra-passe atual", "Kasalukuyang password"],
    NewPassword => ["New password", "Neues Passwort", "Nové heslo", "Нова парола", "Nova palavra-passe", "Bagong password"],
    PasswordRule => ["At least 10 characters, not a common password. Your other sessions end.", "Mindestens 10 Zeichen, kein gängiges Passwort. Ihre anderen Sitzungen werden beendet.", "Alespoň 10 znaků, žádné běžné heslo. Vaše ostatní relace skončí.", "Поне 10 знака, не често срещана парола. Другите ви сесии ще бъдат прекратени.", "Pelo menos 10 caracteres, não uma palavra-passe comum. As suas outras sessões terminam.", "Hindi bababa sa 10 character, hindi karaniwang password. Matatapos ang iba mong session."],
    PasswordChanged => ["Your password was changed. Your other sessions were ended.", "Ihr Passwort wurde geändert. Ihre anderen Sitzungen wurden beendet.", "Heslo bylo změněno. Vaše ostatní relace byly ukončeny.", "Паролата ви е сменена. Другите ви сесии са прекратени.", "A sua palavra-passe foi alterada. As suas outras sessões foram terminadas.", "Napalitan na ang password mo. Natapos na ang iba mong session."],
    Sessions => ["Signed in since", "Angemeldet seit", "Přihlášení od", "Влизания от", "Sessões iniciadas em", "Naka-sign in mula"],
    ThisSession => ["(this browser)", "(dieser Browser)", "(tento prohlížeč)", "(този браузър)", "(este navegador)", "(browser na ito)"],
    EndSession => ["Sign out there", "Dort abmelden", "Tam odhlásit", "Излез оттам", "Terminar essa sessão", "Mag-sign out doon"],
    WrongPassword => ["The current password is not right.", "Das aktuelle Passwort stimmt nicht.", "Současné heslo není správné.", "Текущата парола не е вярна.", "A palavra-passe atual não está correta.", "Mali ang kasalukuyang password."],
    WeakPassword => ["Choose a stronger password: at least 10 characters, not a common one, not your e-mail.", "Wählen Sie ein stärkeres Passwort: mindestens 10 Zeichen, kein gängiges, nicht Ihre E-Mail.", "Zvolte silnější heslo: alespoň 10 znaků, žádné běžné, ne váš e-mail.", "Изберете по-силна парола: поне 10 знака, не често срещана, не вашия имейл.", "Escolha uma palavra-passe mais forte: pelo menos 10 caracteres, não comum, não o seu e-mail.", "Pumili ng mas malakas na password: hindi bababa sa 10 character, hindi karaniwan, hindi ang email mo."],
    SamePassword => ["The new password must differ from the current one.", "Das neue Passwort muss sich vom aktuellen unterscheiden.", "Nové heslo se musí lišit od současného.", "Новата парола трябва да е различна от текущата.", "A nova palavra-passe tem de ser diferente da atual.", "Dapat iba ang bagong password sa kasalukuyan."],
    Team => ["Team", "Team", "Tým", "Екип", "Equipa", "Team"],
    TeamTab => ["Team", "Team", "Tým", "Екип", "Equipa", "Team"],
    Departments => ["Departments", "Abteilungen", "Oddělení", "Отдели", "Departamentos", "Mga departamento"],
    Actions => ["Actions", "Aktionen", "Akce", "Действия", "Ações", "Mga aksyon"],
    AddAgent => ["Add an agent", "Mitarbeiter hinzufügen", "Přidat pracovníka", "Добави служител", "Adicionar agente", "Magdagdag ng agent"],
    FirstPassword => ["First password (optional)", "Erstes Passwort (optional)", "První heslo (nepovinné)", "Първа парола (по желание)", "Primeira palavra-passe (opcional)", "Unang password (opsyonal)"],
    FirstPasswordHint => ["At least 10 characters. Leave it empty and the desk makes one up, shown once.", "Mindestens 10 Zeichen. Leer lassen, dann erzeugt der Desk eines und zeigt es einmal an.", "Alespoň 10 znaků. Necháte-li pole prázdné, vytvoří desk heslo a jednou ho zobrazí.", "Поне 10 знака. Ако оставите полето празно, системата създава парола и я показва веднъж.", "Pelo menos 10 caracteres. Deixe em branco e o sistema cria uma, mostrada uma vez.", "Hindi bababa sa 10 character. Iwanang blangko at gagawa ang desk ng isa, ipapakita nang isang beses."],
    AgentAddedWith => ["{email} can sign in now with this password:", "{email} kann sich jetzt mit diesem Passwort anmelden:", "{email} se nyní může přihlásit tímto heslem:", "{email} вече може да влезе с тази парола:", "{email} já pode entrar com esta palavra-passe:", "Makakapag-sign in na si {email} gamit ang password na ito:"],
    AgentAdded => ["{email} can sign in now with the password you chose.", "{email} kann sich jetzt mit dem gewählten Passwort anmelden.", "{email} se nyní může přihlásit zvoleným heslem.", "{email} вече може да влезе с избраната парола.", "{email} já pode entrar com a palavra-passe escolhida.", "Makakapag-sign in na si {email} gamit ang password na pinili mo."],
    ShownOnce => ["Pass it on now: it is not shown again.", "Jetzt weitergeben: Es wird nicht noch einmal angezeigt.", "Předejte ho hned: znovu se nezobrazí.", "Предайте я сега: няма да бъде показана отново.", "Passe-a agora: não volta a ser mostrada.", "Ibigay na ngayon: hindi na ito ipapakita ulit."],
    ActiveAccount => ["active", "aktiv", "aktivní", "активен", "ativo", "aktibo"],
    Deactivated => ["deactivated", "deaktiviert", "deaktivován", "деактивиран", "desativado", "na-deactivate"],
    Deactivate => ["Deactivate", "Deaktivieren", "Deaktivovat", "Деактивирай", "Desativar", "I-deactivate"],
    Reactivate => ["Reactivate", "Reaktivieren", "Znovu aktivovat", "Активирай отново", "Reativar", "I-reactivate"],
    CapacityOf => ["Capacity of {name}", "Kapazität von {name}", "Kapacita: {name}", "Капацитет на {name}", "Capacidade de {name}", "Kapasidad ni {name}"],
    ActionFor => ["{action}: {name}", "{action}: {name}", "{action}: {name}", "{action}: {name}", "{action}: {name}", "{action}: {name}"],
    TicketMail => ["E-mail me new tickets that arrive while nobody of my team is online", "Neue Tickets per E-Mail, wenn niemand aus meinem Team online ist", "Posílat mi e-mailem nové tikety, když nikdo z mého týmu není online", "Изпращай ми по имейл нови тикети, когато никой от екипа ми не е на линия", "Enviar-me por e-mail novos tickets quando ninguém da minha equipa está online", "I-email sa akin ang mga bagong ticket kapag walang online sa aking team"],
    WithYouFor => ["with you for {time}", "bei Ihnen seit {time}", "u vás {time}", "при вас от {time}", "consigo há {time}", "nasa iyo nang {time}"],
    Assigned => ["with an agent", "bei einem Mitarbeiter", "u pracovníka", "при служител", "com um agente", "nasa isang agent"],
    ShortcutsTitle => ["Keyboard shortcuts", "Tastenkürzel", "Klávesové zkratky", "Клавишни комбинации", "Atalhos de teclado", "Mga keyboard shortcut"],
    ShortcutNext => ["next conversation", "nächstes Gespräch", "další konverzace", "следващ разговор", "conversa seguinte", "susunod na usapan"],
    ShortcutClaim => ["claim the open chat", "offenen Chat übernehmen", "převzít otevřený chat", "поеми отворения чат", "assumir a conversa aberta", "kunin ang bukas na chat"],
    ShortcutResolve => ["resolve the open chat", "offenen Chat abschließen", "vyřešit otevřený chat", "приключи отворения чат", "resolver a conversa aberta", "lutasin ang bukas na chat"],
    ShortcutReply => ["write a reply", "Antwort schreiben", "psát odpověď", "напиши отговор", "escrever uma resposta", "sumulat ng sagot"],
    ShortcutHelp => ["show or hide this list", "diese Liste zeigen oder verbergen", "zobrazit nebo skrýt tento seznam", "покажи или скрий този списък", "mostrar ou esconder esta lista", "ipakita o itago ang listahang ito"],
    Close => ["Close", "Schließen", "Zavřít", "Затвори", "Fechar", "Isara"],
    SearchTickets => ["Search tickets", "Anfragen durchsuchen", "Hledat v požadavcích", "Търсене в заявките", "Pesquisar pedidos", "Maghanap sa mga ticket"],
    AllStatuses => ["All", "Alle", "Vše", "Всички", "Todos", "Lahat"],
    TicketOpen => ["Open", "Offen", "Otevřený", "Отворена", "Aberto", "Bukas"],
    TicketAnswered => ["Answered", "Beantwortet", "Zodpovězený", "Отговорена", "Respondido", "Nasagot na"],
    NoTicketMatches => ["No ticket matches.", "Keine Anfrage passt.", "Žádný požadavek neodpovídá.", "Няма съвпадащи заявки.", "Nenhum pedido corresponde.", "Walang tugmang ticket."],
    Received => ["Received", "Eingegangen", "Přijato", "Получена", "Recebido", "Natanggap"],
    Promised => ["Answer promised by", "Antwort zugesagt bis", "Odpověď slíbena do", "Обещан отговор до", "Resposta prometida até", "Ipinangakong sagot bago"],
    TheirMessage => ["Their message", "Nachricht", "Zpráva", "Съобщение", "Mensagem", "Mensahe"],
    Unread => ["unread messages", "ungelesene Nachrichten", "nepřečtené zprávy", "непрочетени съобщения", "mensagens por ler", "hindi pa nababasang mensahe"],
    Sound => ["Sound", "Ton", "Zvuk", "Звук", "Som", "Tunog"],
    Reason => ["Handoff reason", "Übergabegrund", "Důvod předání", "Причина за предаване", "Motivo da transferência", "Dahilan ng handoff"],
    Detail => ["Detail", "Detail", "Podrobnosti", "Подробности", "Detalhe", "Detalye"],
    Intents => ["Intents", "Absichten", "Záměry", "Намерения", "Intenções", "Mga intent"],
    Slots => ["Details collected", "Erfasste Angaben", "Zjištěné údaje", "Събрани данни", "Dados recolhidos", "Mga nakuhang detalye"],
    Page => ["Page", "Seite", "Stránka", "Страница", "Página", "Pahina"],
    CustomerHeading => ["Customer", "Kunde", "Zákazník", "Клиент", "Cliente", "Customer"],
    UserId => ["Account id", "Konto-ID", "ID účtu", "ID на профила", "ID da conta", "Account ID"],
    Verified => ["✓ Verified by the site", "✓ Von der Website bestätigt", "✓ Ověřeno webem", "✓ Потвърден от сайта", "✓ Verificado pelo site", "✓ Beripikado ng site"],
    NotVerified => ["⚠ Not verified: as the page said", "⚠ Nicht bestätigt: Angabe der Seite", "⚠ Neověřeno: podle stránky", "⚠ Непотвърден: по данни от страницата", "⚠ Não verificado: segundo a página", "⚠ Hindi beripikado: ayon sa page"],
    Locale => ["Language", "Sprache", "Jazyk", "Език", "Idioma", "Wika"],
    Priority => ["Priority", "Priorität", "Priorita", "Приоритет", "Prioridade", "Priyoridad"],
    Tier => ["Tier", "Stufe", "Úroveň", "Ниво", "Nível", "Antas"],
    Status => ["Status", "Status", "Stav", "Статус", "Estado", "Status"],
    Messages => ["Messages", "Nachrichten", "Zprávy", "Съобщения", "Mensagens", "Mga mensahe"],
    Earlier => ["Earlier conversations", "Frühere Gespräche", "Dřívější konverzace", "Предишни разговори", "Conversas anteriores", "Mga naunang usapan"],
    NoEarlier => ["None known.", "Keine bekannt.", "Žádné nejsou známy.", "Няма известни.", "Nenhuma conhecida.", "Wala pang alam."],
    Audit => ["Escalation path", "Eskalationsverlauf", "Průběh eskalace", "Път на ескалация", "Percurso de escalonamento", "Daan ng escalation"],
    Customer => ["Customer", "Kunde", "Zákazník", "Клиент", "Cliente", "Customer"],
    Bot => ["Bot", "Bot", "Bot", "Бот", "Assistente", "Bot"],
    System => ["System", "System", "Systém", "Система", "Sistema", "System"],
    InternalTag => ["internal note", "interne Notiz", "interní poznámka", "вътрешна бележка", "nota interna", "internal note"],
    CustomerTyping => ["The customer is typing…", "Der Kunde schreibt…", "Zákazník píše…", "Клиентът пише…", "O cliente está a escrever…", "Nagta-type ang customer…"],
    PickOne => ["Open a conversation from the list.", "Öffnen Sie ein Gespräch aus der Liste.", "Otevřete konverzaci ze seznamu.", "Отворете разговор от списъка.", "Abra uma conversa da lista.", "Magbukas ng usapan mula sa listahan."],
    NewWork => ["New conversation waiting", "Neues Gespräch wartet", "Čeká nová konverzace", "Чака нов разговор", "Nova conversa em espera", "May bagong naghihintay na usapan"],
    AssignedToYou => ["A conversation was assigned to you", "Ihnen wurde ein Gespräch zugewiesen", "Byla vám přidělena konverzace", "Възложен ви е разговор", "Foi-lhe atribuída uma conversa", "May usapang na-assign sa iyo"],
    Lost => ["A conversation left your list", "Ein Gespräch ist nicht mehr bei Ihnen", "Konverzace vám byla odebrána", "Разговор напусна списъка ви", "Uma conversa saiu da sua lista", "May usapang inalis sa listahan mo"],
    Reconnecting => ["Connection lost, reconnecting…", "Verbindung verloren, verbinde neu…", "Spojení ztraceno, připojuji znovu…", "Връзката е прекъсната, свързване отново…", "Ligação perdida, a religar…", "Naputol ang koneksyon, kumokonekta ulit…"],
    Agents => ["Agents", "Mitarbeitende", "Pracovníci", "Служители", "Agentes", "Mga agent"],
    Name => ["Name", "Name", "Jméno", "Име", "Nome", "Pangalan"],
    Active => ["Active chats", "Aktive Chats", "Aktivní chaty", "Активни чатове", "Conversas ativas", "Aktibong chat"],
    InProgress => ["In progress", "In Bearbeitung", "Probíhající", "В процес", "Em curso", "Ginagawa"],
    Breaches => ["SLA breaches now", "Aktuelle SLA-Verletzungen", "Aktuální překročení SLA", "Текущи нарушения на SLA", "SLA ultrapassados agora", "Mga lampas sa SLA ngayon"],
    Escalations => ["Escalations to your tier", "Eskalationen an Ihre Stufe", "Eskalace na vaši úroveň", "Ескалации към вашето ниво", "Escalonamentos para o seu nível", "Mga escalation sa antas mo"],
    When => ["When", "Wann", "Kdy", "Кога", "Quando", "Kailan"],
    Why => ["Why", "Warum", "Proč", "Защо", "Porquê", "Bakit"],
    None => ["None.", "Keine.", "Žádné.", "Няма.", "Nenhum.", "Wala."],
    TakeOver => ["Take over", "Selbst übernehmen", "Převzít sám", "Поеми лично", "Assumir eu", "Ako na ang bahala"],
    ReassignTo => ["Reassign to", "Neu zuweisen an", "Přidělit komu", "Възложи на", "Reatribuir a", "Ilipat kay"],
    Reassign => ["Reassign", "Zuweisen", "Přidělit", "Възложи", "Reatribuir", "Ilipat"],
    NoTickets => ["No offline tickets.", "Keine Offline-Anfragen.", "Žádné offline požadavky.", "Няма офлайн заявки.", "Sem pedidos offline.", "Walang offline ticket."],
    Answer => ["Answer", "Antwort", "Odpověď", "Отговор", "Resposta", "Sagot"],
    SaveAnswer => ["Save answer and close", "Antwort speichern und schließen", "Uložit odpověď a uzavřít", "Запази отговора и затвори", "Guardar resposta e fechar", "I-save ang sagot at isara"],
    AnsweredBy => ["Answered by {name}", "Beantwortet von {name}", "Odpověděl(a) {name}", "Отговорено от {name}", "Respondido por {name}", "Sinagot ni {name}"],
    Notifications => ["Desktop notifications", "Desktop-Benachrichtigungen", "Oznámení na ploše", "Известия на работния плот", "Notificações no ambiente de trabalho", "Mga desktop notification"],
    Loading => ["Loading…", "Lädt…", "Načítám…", "Зареждане…", "A carregar…", "Naglo-load…"],
    Failed => ["That did not work:", "Das hat nicht geklappt:", "To se nepovedlo:", "Не се получи:", "Não funcionou:", "Hindi ito gumana:"],
    Insights => ["Insights", "Auswertung", "Přehledy", "Анализи", "Análises", "Insights"],
    EmbedTab => ["Embed", "Einbinden", "Vložení na web", "Вграждане", "Incorporar", "I-embed"],
    EmbedTitle => ["Put the widget on your website", "Das Widget auf Ihrer Website einbinden", "Vložení widgetu na váš web", "Поставете уиджета на сайта си", "Coloque o widget no seu site", "Ilagay ang widget sa inyong website"],
    EmbedIntro => ["Paste this line into every page, just before </body>. The page then loads a 2 KB launcher; the chat itself loads only when a customer opens it.", "Fügen Sie diese Zeile in jede Seite ein, direkt vor </body>. Die Seite lädt dann einen 2-KB-Starter; der Chat selbst lädt erst, wenn ein Kunde ihn öffnet.", "Vložte tento řádek do každé stránky těsně před </body>. Stránka pak načte jen 2KB spouštěč; samotný chat se načte, až když ho zákazník otevře.", "Поставете този ред във всяка страница точно преди </body>. Страницата зарежда само 2 KB бутон; самият чат се зарежда едва когато клиентът го отвори.", "Cole esta linha em todas as páginas, logo antes de </body>. A página carrega apenas um botão de 2 KB; o chat só carrega quando um cliente o abre.", "Idikit ang linyang ito sa bawat page, bago ang </body>. 2 KB na launcher lang ang ilo-load ng page; ilo-load lang ang chat kapag binuksan ito ng customer."],
    Snippet => ["Snippet", "Code-Schnipsel", "Kód pro vložení", "Код за вграждане", "Código para incorporar", "Snippet"],
    CopySnippet => ["Copy snippet", "Schnipsel kopieren", "Zkopírovat kód", "Копирай кода", "Copiar código", "Kopyahin ang snippet"],
    Copied => ["Copied.", "Kopiert.", "Zkopírováno.", "Копирано.", "Copiado.", "Nakopya na."],
    CopyFailed => ["This browser does not allow copying here: select the text and copy it.", "Dieser Browser erlaubt hier kein Kopieren: Text markieren und kopieren.", "Prohlížeč zde kopírování nepovoluje: označte text a zkopírujte ho.", "Браузърът не позволява копиране тук: маркирайте текста и го копирайте.", "Este navegador não permite copiar aqui: selecione o texto e copie.", "Hindi pinapayagan ng browser na kumopya rito: piliin ang text at kopyahin."],
    Portal => ["Help portal (for links)", "Hilfeportal (für Links)", "Portál nápovědy (pro odkazy)", "Помощен портал (за връзки)", "Portal de ajuda (para links)", "Help portal (para sa mga link)"],
    AllowedOrigins => ["Allowed websites", "Erlaubte Websites", "Povolené weby", "Разрешени сайтове", "Sites permitidos", "Mga pinapayagang website"],
    NoOrigins => ["None yet: add your site's origin to allowed_origins in the desk configuration.", "Noch keine: tragen Sie die Adresse Ihrer Website in allowed_origins der Desk-Konfiguration ein.", "Zatím žádné: přidejte adresu svého webu do allowed_origins v konfiguraci desku.", "Още няма: добавете адреса на сайта си в allowed_origins в конфигурацията.", "Nenhum ainda: adicione a origem do seu site em allowed_origins na configuração.", "Wala pa: idagdag ang origin ng inyong site sa allowed_origins sa configuration."],
    IdentityVerification => ["Identity verification", "Identitätsprüfung", "Ověřování identity", "Проверка на самоличността", "Verificação de identidade", "Beripikasyon ng identity"],
    VerificationOn => ["On: Handoff('identify') must be signed by your server", "An: Handoff('identify') muss von Ihrem Server signiert sein", "Zapnuto: Handoff('identify') musí podepsat váš server", "Включена: Handoff('identify') трябва да е подписан от сървъра ви", "Ativa: Handoff('identify') tem de ser assinado pelo seu servidor", "Naka-on: dapat pirmado ng inyong server ang Handoff('identify')"],
    VerificationOff => ["Off: identities are shown as not verified", "Aus: Identitäten gelten als nicht bestätigt", "Vypnuto: identity se zobrazují jako neověřené", "Изключена: самоличностите се показват като непотвърдени", "Desativada: as identidades aparecem como não verificadas", "Naka-off: ipinapakita ang mga identity bilang hindi beripikado"],
    EmbedDocs => ["Options, the JavaScript API (open, identify, setDepartment, reset, events) and the security model: docs/embedding.md.", "Optionen, JavaScript-API (open, identify, setDepartment, reset, Ereignisse) und Sicherheitsmodell: docs/embedding.md.", "Volby, JavaScript API (open, identify, setDepartment, reset, události) a bezpečnost: docs/embedding.md.", "Опции, JavaScript API (open, identify, setDepartment, reset, събития) и модел на сигурност: docs/embedding.md.", "Opções, API JavaScript (open, identify, setDepartment, reset, eventos) e modelo de segurança: docs/embedding.md.", "Mga opsyon, JavaScript API (open, identify, setDepartment, reset, events) at security model: docs/embedding.md."],
    Period => ["Period", "Zeitraum", "Období", "Период", "Período", "Panahon"],
    Last7 => ["Last 7 days", "Letzte 7 Tage", "Posledních 7 dní", "Последните 7 дни", "Últimos 7 dias", "Huling 7 araw"],
    Last30 => ["Last 30 days", "Letzte 30 Tage", "Posledních 30 dní", "Последните 30 дни", "Últimos 30 dias", "Huling 30 araw"],
    Last90 => ["Last 90 days", "Letzte 90 Tage", "Posledních 90 dní", "Последните 90 дни", "Últimos 90 dias", "Huling 90 araw"],
    Custom => ["Custom dates", "Eigene Daten", "Vlastní data", "Избрани дати", "Datas à escolha", "Sariling petsa"],
    FromDate => ["From", "Von", "Od", "От", "De", "Mula"],
    ToDate => ["To", "Bis", "Do", "До", "Até", "Hanggang"],
    GroupBy => ["Group by", "Gruppieren nach", "Seskupit po", "Групиране по", "Agrupar por", "Ipangkat ayon sa"],
    Day => ["Day", "Tag", "Den", "Ден", "Dia", "Araw"],
    Week => ["Week", "Woche", "Týden", "Седмица", "Semana", "Linggo"],
    All => ["All", "Alle", "Vše", "Всички", "Todos", "Lahat"],
    CustomerLanguage => ["Customer language", "Sprache der Kunden", "Jazyk zákazníka", "Език на клиента", "Idioma do cliente", "Wika ng customer"],
    Filters => ["Filters", "Filter", "Filtry", "Филтри", "Filtros", "Mga filter"],
    Site => ["Site", "Website", "Web", "Сайт", "Site", "Site"],
    Figures => ["Headline figures", "Kennzahlen", "Hlavní ukazatele", "Основни показатели", "Números principais", "Pangunahing bilang"],
    Started => ["Conversations", "Gespräche", "Konverzace", "Разговори", "Conversas", "Mga usapan"],
    HandoffRate => ["Handed to a person", "An Menschen übergeben", "Předáno člověku", "Предадени на човек", "Passadas a uma pessoa", "Ipinasa sa tao"],
    Contained => ["Resolved without a person", "Ohne Menschen gelöst", "Vyřešeno bez člověka", "Решени без човек", "Resolvidas sem pessoa", "Nalutas nang walang tao"],
    EscalationsK => ["Escalations", "Eskalationen", "Eskalace", "Ескалации", "Escalonamentos", "Mga escalation"],
    TransfersK => ["Transfers", "Weiterleitungen", "Předání", "Прехвърляния", "Transferências", "Mga paglipat"],
    SlaMet => ["SLA met", "SLA eingehalten", "SLA splněno", "Спазено SLA", "SLA cumprido", "Natupad ang SLA"],
    FirstReply => ["First human reply (median)", "Erste menschliche Antwort (Median)", "První lidská odpověď (medián)", "Първи човешки отговор (медиана)", "Primeira resposta humana (mediana)", "Unang sagot ng tao (median)"],
    ResolutionTime => ["Time to resolution (median)", "Zeit bis zur Lösung (Median)", "Doba do vyřešení (medián)", "Време до решение (медиана)", "Tempo até resolver (mediana)", "Tagal bago malutas (median)"],
    RatingAvg => ["Average rating", "Durchschnittliche Bewertung", "Průměrné hodnocení", "Средна оценка", "Avaliação média", "Karaniwang rating"],
    /// "{pct}" is filled in.
    ChangeUp => ["up {pct} on the previous period", "{pct} mehr als im Vorzeitraum", "o {pct} více než v předchozím období", "с {pct} повече от предходния период", "mais {pct} que no período anterior", "tumaas nang {pct} mula sa nakaraang panahon"],
    /// "{pct}" is filled in.
    ChangeDown => ["down {pct} on the previous period", "{pct} weniger als im Vorzeitraum", "o {pct} méně než v předchozím období", "с {pct} по-малко от предходния период", "menos {pct} que no período anterior", "bumaba nang {pct} mula sa nakaraang panahon"],
    ChangeSame => ["same as the previous period", "wie im Vorzeitraum", "stejně jako v předchozím období", "както в предходния период", "igual ao período anterior", "kapareho ng nakaraang panahon"],
    ChangeNew => ["none in the previous period", "im Vorzeitraum keine", "v předchozím období žádné", "в предходния период няма", "nenhuma no período anterior", "wala sa nakaraang panahon"],
    NewWord => ["new", "neu", "nové", "ново", "novo", "bago"],
    NoPrevious => ["no figure for the previous period", "keine Zahl für den Vorzeitraum", "pro předchozí období není údaj", "няма данни за предходния период", "sem valor no período anterior", "walang bilang sa nakaraang panahon"],
    PreviousPeriod => ["Previous period", "Vorzeitraum", "Předchozí období", "Предходен период", "Período anterior", "Nakaraang panahon"],
    OverTime => ["Over time", "Im Zeitverlauf", "V čase", "Във времето", "Ao longo do tempo", "Sa paglipas ng panahon"],
    Handoffs => ["Handed off", "Übergeben", "Předáno", "Предадени", "Passadas", "Naipasa"],
    PeriodStart => ["Starting", "Ab", "Od", "От", "A partir de", "Simula"],
    /// "{started}", "{handed}" and "{buckets}" are filled in.
    TrendSummary => ["Line chart: {started} conversations and {handed} handed to a person, over {buckets} periods.", "Liniendiagramm: {started} Gespräche und {handed} an Menschen übergeben, über {buckets} Abschnitte.", "Spojnicový graf: {started} konverzací a {handed} předáno člověku, v {buckets} obdobích.", "Линейна диаграма: {started} разговора и {handed} предадени на човек, за {buckets} периода.", "Gráfico de linhas: {started} conversas e {handed} passadas a uma pessoa, em {buckets} períodos.", "Line chart: {started} usapan at {handed} ipinasa sa tao, sa {buckets} panahon."],
    Flow => ["Escalation flow", "Eskalationsfluss", "Tok eskalací", "Поток на ескалациите", "Fluxo de escalonamento", "Daloy ng escalation"],
    FlowTiers => ["Between tiers", "Zwischen Stufen", "Mezi úrovněmi", "Между нивата", "Entre níveis", "Sa pagitan ng mga antas"],
    FlowDepartments => ["Between departments", "Zwischen Abteilungen", "Mezi odděleními", "Между отделите", "Entre departamentos", "Sa pagitan ng mga departamento"],
    /// "{moves}" is filled in (a list like "bot to agent: 4").
    FlowSummary => ["Flow diagram: {moves}.", "Flussdiagramm: {moves}.", "Tokový diagram: {moves}.", "Диаграма на потока: {moves}.", "Diagrama de fluxo: {moves}.", "Flow diagram: {moves}."],
    /// "{from}", "{to}" and "{n}" are filled in.
    Move => ["{from} to {to}: {n}", "{from} nach {to}: {n}", "{from} → {to}: {n}", "{from} към {to}: {n}", "{from} para {to}: {n}", "{from} papuntang {to}: {n}"],
    NoMoves => ["No moves in this period.", "Keine Bewegungen in diesem Zeitraum.", "V tomto období žádné přesuny.", "Няма движения в този период.", "Sem movimentos neste período.", "Walang galaw sa panahong ito."],
    FromCol => ["From", "Von", "Odkud", "От", "De", "Mula"],
    ToCol => ["To", "Nach", "Kam", "Към", "Para", "Papunta"],
    CountCol => ["Count", "Anzahl", "Počet", "Брой", "Número", "Bilang"],
    ReasonsCol => ["Reasons recorded", "Erfasste Gründe", "Zaznamenané důvody", "Записани причини", "Motivos registados", "Mga naitalang dahilan"],
    ByReason => ["Handoffs by reason", "Übergaben nach Grund", "Předání podle důvodu", "Предавания по причина", "Transferências por motivo", "Mga handoff ayon sa dahilan"],
    /// "{list}" is filled in.
    BarSummary => ["Bar chart: {list}.", "Balkendiagramm: {list}.", "Sloupcový graf: {list}.", "Стълбовидна диаграма: {list}.", "Gráfico de barras: {list}.", "Bar chart: {list}."],
    Sla => ["SLA attainment", "SLA-Einhaltung", "Plnění SLA", "Спазване на SLA", "Cumprimento do SLA", "Pagtupad sa SLA"],
    ByPriority => ["By priority", "Nach Priorität", "Podle priority", "По приоритет", "Por prioridade", "Ayon sa priyoridad"],
    ByDepartment => ["By department", "Nach Abteilung", "Podle oddělení", "По отдел", "Por departamento", "Ayon sa departamento"],
    WithSla => ["With an SLA", "Mit SLA", "Se SLA", "Със SLA", "Com SLA", "May SLA"],
    Breached => ["Breached", "Verletzt", "Překročeno", "Нарушени", "Ultrapassados", "Lumampas"],
    FirstResponseBreaches => ["First-response breaches", "Verletzungen Erstantwort", "Překročení první odpovědi", "Нарушения на първи отговор", "Primeira resposta ultrapassada", "Lampas sa unang sagot"],
    ResolutionBreaches => ["Resolution breaches", "Verletzungen Lösung", "Překročení vyřešení", "Нарушения на решение", "Resolução ultrapassada", "Lampas sa paglutas"],
    Speed => ["Speed", "Tempo", "Rychlost", "Бързина", "Rapidez", "Bilis"],
    Measure => ["Measure", "Messgröße", "Ukazatel", "Показател", "Medida", "Sukatan"],
    Median => ["Median", "Median", "Medián", "Медиана", "Mediana", "Median"],
    P90 => ["90th percentile", "90. Perzentil", "90. percentil", "90-и перцентил", "Percentil 90", "Ika-90 percentile"],
    QueueWait => ["Wait in the queue", "Wartezeit in der Warteschlange", "Čekání ve frontě", "Чакане на опашката", "Espera na fila", "Paghihintay sa pila"],
    RequeueWait => ["Wait after a move", "Wartezeit nach Weitergabe", "Čekání po přesunu", "Чакане след преместване", "Espera após mudança", "Paghihintay matapos ilipat"],
    FirstReplyShort => ["First human reply", "Erste menschliche Antwort", "První lidská odpověď", "Първи човешки отговор", "Primeira resposta humana", "Unang sagot ng tao"],
    ResolutionShort => ["Time to resolution", "Zeit bis zur Lösung", "Doba do vyřešení", "Време до решение", "Tempo até resolver", "Tagal bago malutas"],
    Ratings => ["Ratings", "Bewertungen", "Hodnocení", "Оценки", "Avaliações", "Mga rating"],
    Score => ["Score", "Punkte", "Známka", "Оценка", "Nota", "Marka"],
    Comments => ["Latest comments", "Neueste Kommentare", "Nejnovější komentáře", "Последни коментари", "Comentários recentes", "Mga pinakabagong komento"],
    Articles => ["Articles that did not help", "Artikel, die nicht halfen", "Články, které nepomohly", "Статии, които не помогнаха", "Artigos que não ajudaram", "Mga artikulong hindi nakatulong"],
    Article => ["Article", "Artikel", "Článek", "Статия", "Artigo", "Artikulo"],
    NoArticle => ["(no article named)", "(kein Artikel genannt)", "(bez uvedení článku)", "(без посочена статия)", "(sem artigo indicado)", "(walang binanggit na artikulo)"],
    ArticlesBefore => ["Articles read before a handoff", "Vor einer Übergabe gelesene Artikel", "Články přečtené před předáním", "Статии, прочетени преди предаване", "Artigos lidos antes de uma transferência", "Mga artikulong binasa bago ang handoff"],
    Gaps => ["Content gaps", "Inhaltslücken", "Mezery v obsahu", "Пропуски в съдържанието", "Lacunas de conteúdo", "Mga kulang sa nilalaman"],
    GapText => ["What customers asked", "Was Kunden fragten", "Na co se zákazníci ptali", "Какво питаха клиентите", "O que os clientes perguntaram", "Ano ang itinanong ng customer"],
    Examples => ["Example conversations", "Beispielgespräche", "Ukázkové konverzace", "Примерни разговори", "Conversas de exemplo", "Halimbawang usapan"],
    DownloadCsv => ["Download CSV", "CSV herunterladen", "Stáhnout CSV", "Изтегли CSV", "Descarregar CSV", "I-download ang CSV"],
    NoData => ["No conversations in this period.", "Keine Gespräche in diesem Zeitraum.", "V tomto období žádné konverzace.", "Няма разговори в този период.", "Sem conversas neste período.", "Walang usapan sa panahong ito."],
    InsightsFailed => ["The figures could not be loaded:", "Die Zahlen konnten nicht geladen werden:", "Údaje se nepodařilo načíst:", "Данните не можаха да се заредят:", "Não foi possível carregar os números:", "Hindi ma-load ang mga bilang:"],
    Retry => ["Try again", "Erneut versuchen", "Zkusit znovu", "Опитай отново", "Tentar de novo", "Subukan ulit"],
    ReasonSlaFirst => ["first-response SLA missed", "Erstantwort-SLA verfehlt", "nesplněno SLA první odpovědi", "пропуснато SLA за първи отговор", "SLA de primeira resposta falhado", "hindi natupad ang SLA ng unang sagot"],
    ReasonSlaResolution => ["resolution SLA missed", "Lösungs-SLA verfehlt", "nesplněno SLA vyřešení", "пропуснато SLA за решение", "SLA de resolução falhado", "hindi natupad ang SLA ng paglutas"],
    ReasonManual => ["no note given", "ohne Notiz", "bez poznámky", "без бележка", "sem nota", "walang note"],
    ReasonExplicit => ["asked for a person", "wollte einen Menschen", "chtěl(a) člověka", "поиска човек", "pediu uma pessoa", "humingi ng tao"],
    ReasonFallback => ["the bot did not understand", "der Bot hat nicht verstanden", "bot nerozuměl", "ботът не разбра", "o assistente não percebeu", "hindi naintindihan ng bot"],
    ReasonFrustration => ["customer frustrated", "Kunde verärgert", "zákazník je rozladěný", "клиентът е раздразнен", "cliente frustrado", "naiinis ang customer"],
    ReasonRule => ["a rule hands this over", "eine Regel übergibt das", "předáno podle pravidla", "правило предава това", "uma regra transfere isto", "ipinapasa ito ng isang rule"],
    ReasonArticle => ["the article did not help", "der Artikel half nicht", "článek nepomohl", "статията не помогна", "o artigo não ajudou", "hindi nakatulong ang artikulo"],
    PrivacyTab => ["Data protection", "Datenschutz", "Ochrana údajů", "Защита на данните", "Proteção de dados", "Proteksyon ng datos"],
    PrivacyIntro => ["Export everything the desk stores about one customer of a site, or erase it.", "Alles exportieren, was der Desk über einen Kunden einer Website speichert, oder es löschen.", "Exportujte vše, co desk o jednom zákazníkovi webu ukládá, nebo to vymažte.", "Експортирайте всичко, което системата пази за един клиент на сайта, или го изтрийте.", "Exporte tudo o que o sistema guarda sobre um cliente de um site, ou apague-o.", "I-export ang lahat ng itinatago ng desk tungkol sa isang customer ng site, o burahin ito."],
    FindBy => ["Find the customer by", "Kunden finden über", "Najít zákazníka podle", "Намери клиента по", "Encontrar o cliente por", "Hanapin ang customer ayon sa"],
    ByUserId => ["Verified user id", "Verifizierte Benutzer-ID", "Ověřené ID uživatele", "Потвърден потребителски ID", "ID de utilizador verificado", "Verified na user ID"],
    ByVisitorId => ["Visitor id", "Besucher-ID", "ID návštěvníka", "ID на посетителя", "ID do visitante", "Visitor ID"],
    ByEmail => ["E-mail address", "E-Mail-Adresse", "E-mailová adresa", "Имейл адрес", "Endereço de e-mail", "Email address"],
    ExportBtn => ["Export", "Exportieren", "Exportovat", "Експортирай", "Exportar", "I-export"],
    EraseEllipsis => ["Erase…", "Löschen…", "Vymazat…", "Изтрий…", "Apagar…", "Burahin…"],
    EraseExplain => ["Erasing removes the customer's texts and personal fields from conversations, tickets, ratings and mails; the totals in Insights stay, and an audit line records that an erasure happened, not what was erased.", "Löschen entfernt die Texte und persönlichen Angaben des Kunden aus Gesprächen, Tickets, Bewertungen und E-Mails; die Summen in den Auswertungen bleiben, und ein Protokolleintrag hält fest, dass gelöscht wurde, nicht was.", "Vymazání odstraní texty a osobní údaje zákazníka z konverzací, tiketů, hodnocení a e-mailů; součty v přehledech zůstanou a záznam v auditu uvede, že k vymazání došlo, ne co bylo vymazáno.", "Изтриването премахва текстовете и личните данни на клиента от разговори, тикети, оценки и имейли; сумите в анализите остават, а запис в одита отбелязва, че е имало изтриване, но не и какво.", "Apagar remove os textos e dados pessoais do cliente das conversas, tickets, avaliações e e-mails; os totais nas análises mantêm-se e uma linha de auditoria regista que houve um apagamento, não o que foi apagado.", "Tinatanggal ng pagbura ang mga text at personal na detalye ng customer mula sa mga usapan, ticket, rating at email; nananatili ang mga kabuuan sa Insights, at may audit line na nagsasabing may binura, hindi kung ano."],
    NeedValue => ["Fill in how to find the customer first.", "Geben Sie zuerst an, wie der Kunde zu finden ist.", "Nejprve vyplňte, podle čeho zákazníka najít.", "Първо попълнете как да бъде намерен клиентът.", "Indique primeiro como encontrar o cliente.", "Punan muna kung paano hahanapin ang customer."],
    EraseAsk => ["Erase everything about this customer on {site}? This cannot be undone.", "Alles über diesen Kunden auf {site} löschen? Das lässt sich nicht rückgängig machen.", "Vymazat vše o tomto zákazníkovi na webu {site}? Nelze to vrátit zpět.", "Да изтрия ли всичко за този клиент в {site}? Това не може да бъде отменено.", "Apagar tudo sobre este cliente em {site}? Não é possível desfazer.", "Burahin ang lahat tungkol sa customer na ito sa {site}? Hindi na ito maibabalik."],
    EraseForGood => ["Erase for good", "Endgültig löschen", "Natrvalo vymazat", "Изтрий окончателно", "Apagar definitivamente", "Burahin nang tuluyan"],
    ExportTitle => ["What is stored", "Was gespeichert ist", "Co je uloženo", "Какво се пази", "O que está guardado", "Ano ang nakatago"],
    ErasedTitle => ["What was erased", "Was gelöscht wurde", "Co bylo vymazáno", "Какво беше изтрито", "O que foi apagado", "Ano ang nabura"],
    CountConversations => ["Conversations", "Gespräche", "Konverzace", "Разговори", "Conversas", "Mga usapan"],
    CountMessages => ["Messages", "Nachrichten", "Zprávy", "Съобщения", "Mensagens", "Mga mensahe"],
    CountTickets => ["Tickets", "Tickets", "Tikety", "Тикети", "Tickets", "Mga ticket"],
    CountMail => ["E-mails", "E-Mails", "E-maily", "Имейли", "E-mails", "Mga email"],
    NothingStored => ["Nothing is stored about this customer on this site.", "Zu diesem Kunden ist auf dieser Website nichts gespeichert.", "O tomto zákazníkovi není na tomto webu nic uloženo.", "За този клиент в този сайт не се пази нищо.", "Não há nada guardado sobre este cliente neste site.", "Walang nakatago tungkol sa customer na ito sa site na ito."],
    DownloadJson => ["Download JSON", "JSON herunterladen", "Stáhnout JSON", "Изтегли JSON", "Descarregar JSON", "I-download ang JSON"],
    ErasedAt => ["Erased at {time}. The audit records who did it and when.", "Gelöscht um {time}. Das Protokoll hält fest, wer es wann getan hat.", "Vymazáno v {time}. Audit zaznamenává, kdo a kdy to provedl.", "Изтрито в {time}. Одитът записва кой и кога го е направил.", "Apagado às {time}. A auditoria regista quem o fez e quando.", "Nabura noong {time}. Itinatala ng audit kung sino at kailan."],
    OutsideDepartments => ["This customer has conversations outside your departments; ask a manager.", "Dieser Kunde hat Gespräche außerhalb Ihrer Abteilungen; fragen Sie eine Leitung.", "Tento zákazník má konverzace mimo vaše oddělení; požádejte vedoucího.", "Този клиент има разговори извън вашите отдели; обърнете се към мениджър.", "Este cliente tem conversas fora dos seus departamentos; peça a um gestor.", "May mga usapan ang customer na ito sa labas ng iyong mga departamento; magtanong sa manager."],
    SettingsTab => ["Settings", "Einstellungen", "Nastavení", "Настройки", "Definições", "Mga setting"],
    SettingsIntro => ["Changes take effect at once, without a restart. A section changed here wins over the config file until it is reverted.", "Änderungen gelten sofort, ohne Neustart. Ein hier geänderter Abschnitt hat Vorrang vor der Konfigurationsdatei, bis er zurückgesetzt wird.", "Změny platí okamžitě, bez restartu. Oddíl změněný zde má přednost před konfiguračním souborem, dokud ho nevrátíte.", "Промените важат веднага, без рестарт. Раздел, променен тук, има предимство пред конфигурационния файл, докато не бъде върнат.", "As alterações valem de imediato, sem reiniciar. Uma secção alterada aqui prevalece sobre o ficheiro de configuração até ser revertida.", "Agad na umiiral ang mga pagbabago, walang restart. Ang seksyong binago rito ang masusunod kaysa sa config file hanggang ibalik ito."],
    FromFile => ["from the config file", "aus der Konfigurationsdatei", "z konfiguračního souboru", "от конфигурационния файл", "do ficheiro de configuração", "mula sa config file"],
    FromConsole => ["changed in the console", "in der Konsole geändert", "změněno v konzoli", "променено в конзолата", "alterado na consola", "binago sa console"],
    RevertToFile => ["Revert to file", "Auf Datei zurücksetzen", "Vrátit na soubor", "Върни към файла", "Repor o ficheiro", "Ibalik sa file"],
    Reverted => ["Back to the config file.", "Wieder wie in der Konfigurationsdatei.", "Opět podle konfiguračního souboru.", "Отново според конфигурационния файл.", "De volta ao ficheiro de configuração.", "Bumalik sa config file."],
    HoursTitle => ["Hours & holidays", "Zeiten & Feiertage", "Provozní doba a svátky", "Работно време и празници", "Horário e feriados", "Oras at mga holiday"],
    AroundTheClock => ["Open around the clock", "Rund um die Uhr geöffnet", "Otevřeno nonstop", "Отворено денонощно", "Aberto 24 horas", "Bukas buong araw at gabi"],
    TimeZone => ["Time zone (e.g. Europe/Berlin)", "Zeitzone (z. B. Europe/Berlin)", "Časové pásmo (např. Europe/Prague)", "Часова зона (напр. Europe/Sofia)", "Fuso horário (p. ex. Europe/Lisbon)", "Time zone (hal. Asia/Manila)"],
    SpansHint => ["Opening times like 09:00-17:00, 18:00-20:00; an empty day is closed.", "Öffnungszeiten wie 09:00-17:00, 18:00-20:00; ein leerer Tag ist geschlossen.", "Otevírací doba např. 09:00-17:00, 18:00-20:00; prázdný den je zavřeno.", "Работно време като 09:00-17:00, 18:00-20:00; празен ден означава затворено.", "Horários como 09:00-17:00, 18:00-20:00; um dia vazio está fechado.", "Oras ng bukas gaya ng 09:00-17:00, 18:00-20:00; sarado ang araw na walang laman."],
    Mon => ["Monday", "Montag", "Pondělí", "Понеделник", "Segunda-feira", "Lunes"],
    Tue => ["Tuesday", "Dienstag", "Úterý", "Вторник", "Terça-feira", "Martes"],
    Wed => ["Wednesday", "Mittwoch", "Středa", "Сряда", "Quarta-feira", "Miyerkules"],
    Thu => ["Thursday", "Donnerstag", "Čtvrtek", "Четвъртък", "Quinta-feira", "Huwebes"],
    Fri => ["Friday", "Freitag", "Pátek", "Петък", "Sexta-feira", "Biyernes"],
    Sat => ["Saturday", "Samstag", "Sobota", "Събота", "Sábado", "Sabado"],
    Sun => ["Sunday", "Sonntag", "Neděle", "Неделя", "Domingo", "Linggo"],
    Holidays => ["Holidays", "Feiertage", "Svátky", "Празници", "Feriados", "Mga holiday"],
    HolidayDate => ["Holiday date", "Datum des Feiertags", "Datum svátku", "Дата на празника", "Data do feriado", "Petsa ng holiday"],
    AddHoliday => ["Add", "Hinzufügen", "Přidat", "Добави", "Adicionar", "Idagdag"],
    Remove => ["Remove", "Entfernen", "Odebrat", "Премахни", "Remover", "Alisin"],
    /// "{what}" is filled in.
    RemoveWhat => ["Remove {what}", "{what} entfernen", "Odebrat {what}", "Премахни {what}", "Remover {what}", "Alisin ang {what}"],
    NoHolidays => ["No holidays.", "Keine Feiertage.", "Žádné svátky.", "Няма празници.", "Sem feriados.", "Walang holiday."],
    SaveHours => ["Save hours", "Zeiten speichern", "Uložit provozní dobu", "Запази работното време", "Guardar horário", "I-save ang oras"],
    Saved => ["Saved.", "Gespeichert.", "Uloženo.", "Запазено.", "Guardado.", "Na-save."],
    Unsaved => ["Changes not saved yet.", "Änderungen noch nicht gespeichert.", "Změny zatím nejsou uložené.", "Промените още не са запазени.", "Alterações ainda não guardadas.", "Hindi pa naka-save ang mga pagbabago."],
    NeedTimeZone => ["Enter a time zone.", "Geben Sie eine Zeitzone an.", "Zadejte časové pásmo.", "Въведете часова зона.", "Indique um fuso horário.", "Maglagay ng time zone."],
    /// "{day}" and "{span}" are filled in.
    BadSpan => ["{day}: “{span}” is not a time span like 09:00-17:00.", "{day}: „{span}“ ist keine Zeitspanne wie 09:00-17:00.", "{day}: „{span}“ není rozsah jako 09:00-17:00.", "{day}: „{span}“ не е интервал като 09:00-17:00.", "{day}: “{span}” não é um intervalo como 09:00-17:00.", "{day}: ang “{span}” ay hindi oras na gaya ng 09:00-17:00."],
    BadDate => ["Choose a date.", "Wählen Sie ein Datum.", "Vyberte datum.", "Изберете дата.", "Escolha uma data.", "Pumili ng petsa."],
    HolidayTwice => ["That date is a holiday already.", "Dieses Datum ist bereits ein Feiertag.", "Toto datum už je svátek.", "Тази дата вече е празник.", "Essa data já é feriado.", "Holiday na ang petsang iyon."],
    SlaTargets => ["SLA targets", "SLA-Ziele", "Cíle SLA", "SLA цели", "Metas de SLA", "Mga target ng SLA"],
    FirstResponseMin => ["First response (minutes)", "Erste Antwort (Minuten)", "První odpověď (minuty)", "Първи отговор (минути)", "Primeira resposta (minutos)", "Unang sagot (minuto)"],
    ResolutionMin => ["Resolution (minutes)", "Lösung (Minuten)", "Vyřešení (minuty)", "Решение (минути)", "Resolução (minutos)", "Paglutas (minuto)"],
    /// "{priority}" and "{what}" are filled in.
    TargetOf => ["{priority}: {what}", "{priority}: {what}", "{priority}: {what}", "{priority}: {what}", "{priority}: {what}", "{priority}: {what}"],
    /// "{priority}" is filled in.
    BadMinutes => ["{priority}: enter a number of minutes above 0.", "{priority}: geben Sie eine Minutenzahl über 0 an.", "{priority}: zadejte počet minut větší než 0.", "{priority}: въведете брой минути над 0.", "{priority}: indique um número de minutos acima de 0.", "{priority}: maglagay ng bilang ng minuto na higit sa 0."],
    SaveSla => ["Save SLA targets", "SLA-Ziele speichern", "Uložit cíle SLA", "Запази SLA целите", "Guardar metas de SLA", "I-save ang mga target ng SLA"],
    RetentionTitle => ["Retention period", "Aufbewahrungsfrist", "Doba uchování", "Срок на съхранение", "Prazo de conservação", "Tagal ng pagtatago"],
    KeepUntilErased => ["Keep until erased", "Bis zur Löschung aufbewahren", "Uchovávat až do vymazání", "Пази до изтриване", "Guardar até ser apagado", "Itago hanggang burahin"],
    /// "{days}" is where the number field goes: the text before it labels the field.
    RetentionAfter => ["Delete resolved conversations and answered tickets after {days} days", "Erledigte Gespräche und beantwortete Anfragen nach {days} Tagen löschen", "Mazat vyřešené konverzace a zodpovězené požadavky po {days} dnech", "Изтривай приключените разговори и отговорените заявки след {days} дни", "Eliminar conversas resolvidas e pedidos respondidos após {days} dias", "Burahin ang mga nalutas na usapan at nasagot na ticket pagkalipas ng {days} araw"],
    RetentionHint => ["Every ten minutes the desk deletes for good each resolved conversation and answered ticket whose last change is older than this period, with its messages and e-mails; waiting and open work always stays.", "Alle zehn Minuten löscht der Desk jedes erledigte Gespräch und jede beantwortete Anfrage, deren letzte Änderung älter als diese Frist ist, endgültig samt Nachrichten und E-Mails; Wartendes und Offenes bleibt immer.", "Desk každých deset minut natrvalo smaže každou vyřešenou konverzaci a zodpovězený požadavek, jejichž poslední změna je starší než tato doba, i se zprávami a e-maily; čekající a otevřená práce zůstává vždy.", "На всеки десет минути системата изтрива завинаги всеки приключен разговор и отговорена заявка, чиято последна промяна е по-стара от този срок, заедно със съобщенията и имейлите им; чакащата и отворената работа винаги остава.", "A cada dez minutos, o sistema apaga de vez cada conversa resolvida e cada pedido respondido cuja última alteração seja mais antiga do que este prazo, com as suas mensagens e e-mails; o que está em espera ou aberto fica sempre.", "Tuwing sampung minuto, permanenteng binubura ng desk ang bawat nalutas na usapan at nasagot na ticket na mas luma ang huling pagbabago kaysa sa tagal na ito, kasama ang mga mensahe at email nito; laging naiiwan ang naghihintay at bukas pa."],
    SaveRetention => ["Save retention period", "Aufbewahrungsfrist speichern", "Uložit dobu uchování", "Запази срока на съхранение", "Guardar prazo de conservação", "I-save ang tagal ng pagtatago"],
    BadRetention => ["Enter a number of days from 1 to 3650.", "Geben Sie eine Anzahl Tage von 1 bis 3650 an.", "Zadejte počet dní od 1 do 3650.", "Въведете брой дни от 1 до 3650.", "Indique um número de dias de 1 a 3650.", "Maglagay ng bilang ng araw mula 1 hanggang 3650."],
    AllDepartments => ["All departments", "Alle Abteilungen", "Všechna oddělení", "Всички отдели", "Todos os departamentos", "Lahat ng departamento"],
    AllLanguages => ["All languages", "Alle Sprachen", "Všechny jazyky", "Всички езици", "Todos os idiomas", "Lahat ng wika"],
    Title => ["Title", "Titel", "Název", "Заглавие", "Título", "Pamagat"],
    Text => ["Text", "Text", "Text", "Текст", "Texto", "Teksto"],
    CannedId => ["Id (lowercase letters, digits, -)", "ID (Kleinbuchstaben, Ziffern, -)", "ID (malá písmena, číslice, -)", "ID (малки латински букви, цифри, -)", "ID (minúsculas, algarismos, -)", "ID (maliit na titik, numero, -)"],
    Save => ["Save", "Speichern", "Uložit", "Запази", "Guardar", "I-save"],
    Delete => ["Delete", "Löschen", "Smazat", "Изтрий", "Eliminar", "Burahin"],
    /// "{action}" and "{what}" are filled in.
    ActionOn => ["{action}: {what}", "{action}: {what}", "{action}: {what}", "{action}: {what}", "{action}: {what}", "{action}: {what}"],
    AddCanned => ["Add a canned response", "Textbaustein hinzufügen", "Přidat připravenou odpověď", "Добави готов отговор", "Adicionar resposta pronta", "Magdagdag ng handang sagot"],
    BadCannedId => ["Use lowercase letters, digits, - and _ for the id.", "Verwenden Sie für die ID Kleinbuchstaben, Ziffern, - und _.", "Pro ID použijte malá písmena, číslice, - a _.", "За ID използвайте малки латински букви, цифри, - и _.", "Use minúsculas, algarismos, - e _ no ID.", "Gumamit ng maliit na titik, numero, - at _ para sa ID."],
    CannedEmpty => ["A canned response needs a title and a text.", "Ein Textbaustein braucht Titel und Text.", "Připravená odpověď potřebuje název a text.", "Готовият отговор има нужда от заглавие и текст.", "Uma resposta pronta precisa de título e texto.", "Kailangan ng handang sagot ang pamagat at teksto."],
    NoCanned => ["No canned responses here.", "Hier gibt es keine Textbausteine.", "Zde nejsou žádné připravené odpovědi.", "Тук няма готови отговори.", "Não há respostas prontas aqui.", "Walang handang sagot dito."],
    ManagersOnly => ["Only managers can change this section.", "Nur die Leitung kann diesen Abschnitt ändern.", "Tento oddíl mohou měnit jen vedoucí.", "Само мениджъри могат да променят този раздел.", "Só gestores podem alterar esta secção.", "Manager lang ang makakapagbago ng seksyong ito."],
    YourDepartmentsOnly => ["You can change the canned responses of your own departments.", "Sie können die Textbausteine Ihrer eigenen Abteilungen ändern.", "Můžete měnit připravené odpovědi svých oddělení.", "Можете да променяте готовите отговори на своите отдели.", "Pode alterar as respostas prontas dos seus departamentos.", "Mababago mo ang mga handang sagot ng sarili mong mga departamento."],
    AgentSessions => ["Sessions", "Sitzungen", "Relace", "Сесии", "Sessões", "Mga session"],
    /// "{name}" is filled in.
    SessionsOf => ["Sessions of {name}", "Sitzungen von {name}", "Relace: {name}", "Сесии на {name}", "Sessões de {name}", "Mga session ni {name}"],
    NoSessions => ["Not signed in anywhere.", "Nirgends angemeldet.", "Nikde nepřihlášen.", "Не е влязъл никъде.", "Sem sessão iniciada.", "Hindi naka-sign in kahit saan."],
    /// "{from}" and "{until}" are filled in.
    SessionSpan => ["signed in {from}, valid until {until}", "angemeldet {from}, gültig bis {until}", "přihlášen {from}, platí do {until}", "влязъл {from}, валидна до {until}", "sessão iniciada {from}, válida até {until}", "naka-sign in {from}, valid hanggang {until}"],
    EndOne => ["End", "Beenden", "Ukončit", "Прекрати", "Terminar", "Tapusin"],
}

/// The interface text for `key` in `locale`.
pub fn t(locale: &str, key: Key) -> &'static str {
    let i = LOCALES.iter().position(|l| *l == locale).unwrap_or(0);
    table(key)[i]
}

/// Fills `{name}` placeholders.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut s = template.to_string();
    for (k, v) in values {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// A handoff reason id in words; unknown ids are shown as they are.
pub fn reason(locale: &str, id: &str) -> String {
    let key = match id {
        "explicit" => Key::ReasonExplicit,
        "fallback" => Key::ReasonFallback,
        "frustration" => Key::ReasonFrustration,
        "rule" => Key::ReasonRule,
        "article_unhelpful" => Key::ReasonArticle,
        "sla_first_response" => Key::ReasonSlaFirst,
        "sla_resolution" => Key::ReasonSlaResolution,
        "manual" => Key::ReasonManual,
        other => return other.to_string(),
    };
    t(locale, key).to_string()
}

/// A language's own name, for the language picker.
pub fn language_name(locale: &str) -> &'static str {
    match locale {
        "de" => "Deutsch",
        "cs" => "Čeština",
        "bg" => "Български",
        "pt" => "Português",
        "tl" => "Tagalog",
        _ => "English",
    }
}

/// A customer's language by its own name when it is one of ours, else the code as the desk
/// sent it (never a wrong name).
pub fn customer_language(locale: &str) -> String {
    if LOCALES.contains(&locale) {
        language_name(locale).to_string()
    } else {
        locale.to_string()
    }
}

/// The browser's preferred language if the console speaks it, else English.
pub fn pick(preferred: &[String]) -> &'static str {
    for p in preferred {
        let base = p.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        if let Some(l) = LOCALES.iter().find(|l| **l == base) {
            return l;
        }
    }
    "en"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<String> {
        let mut out: Vec<String> =
            s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(k, _)| k.to_string())).collect();
        out.sort();
        out
    }

    #[test]
    fn every_key_is_translated_into_every_language_with_the_same_placeholders() {
        for key in Key::ALL {
            let en = t("en", *key);
            assert!(!en.trim().is_empty(), "{key:?} en");
            for l in LOCALES {
                let s = t(l, *key);
                assert!(!s.trim().is_empty(), "{key:?} {l} is empty");
                assert_eq!(placeholders(s), placeholders(en), "{key:?} {l}: placeholders differ");
            }
        }
    }

    #[test]
    fn languages_are_really_translated() {
        // Not a copy of English: most keys differ in every other language (Tagalog support
        // teams keep many English words, so it gets a lower bar).
        for l in &LOCALES[1..] {
            let same = Key::ALL.iter().filter(|k| t(l, **k) == t("en", **k)).count();
            let max = if *l == "tl" { Key::ALL.len() / 3 } else { Key::ALL.len() / 6 };
            assert!(same <= max, "{l}: {same} of {} keys are English", Key::ALL.len());
        }
    }

    #[test]
    fn the_retention_field_sits_inside_its_sentence_after_a_label() {
        // Settings puts the number field where "{days}" is; the words before it label it.
        for l in LOCALES {
            let (before, _) = t(l, Key::RetentionAfter).split_once("{days}").expect(l);
            assert!(!before.trim().is_empty(), "{l}: nothing labels the field");
        }
    }

    #[test]
    fn fills_picks_and_falls_back() {
        assert_eq!(fill(t("de", Key::Load), &[("active", "1"), ("capacity", "3")]), "Chats 1 von 3");
        assert_eq!(t("xx", Key::SignIn), "Sign in");
        assert_eq!(pick(&["pt-BR".into(), "en".into()]), "pt");
        assert_eq!(pick(&["fr".into()]), "en");
        assert_eq!(reason("cs", "fallback"), "bot nerozuměl");
        assert_eq!(reason("en", "custom"), "custom");
        assert_eq!(language_name("bg"), "Български");
    }
}
