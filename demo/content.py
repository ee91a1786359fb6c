"""The demo community: Lumio, a (fictional) maker of connected lamps, and its members.

Curated threads go through the real services, so every reaction (reputation,
badges, notifications) happens as it would on a live site. Generated threads
are assembled from the fragments at the bottom, in both languages.
"""

BRAND = "Lumio"
PASSWORD = "agora-demo-2026"

# username, display name, role, staff title, language
PEOPLE = [
    ("admin", "Admin Lumio", "admin", "", "en"),
    ("sophie", "Sophie Durand", "staff", "Lumio Support", "fr"),
    ("james", "James Carter", "staff", "Lumio Product Team", "en"),
    ("marc", "Marc Petit", "moderator", "", "fr"),
    ("alice", "Alice Martin", "member", "", "fr"),
    ("bruno", "Bruno Lefèvre", "member", "", "fr"),
    ("chloe", "Chloé Bernard", "member", "", "fr"),
    ("david", "David Okafor", "member", "", "en"),
    ("emma", "Emma Wilson", "member", "", "en"),
    ("farid", "Farid Benali", "member", "", "fr"),
    ("giulia", "Giulia Romano", "member", "", "en"),
    ("hugo", "Hugo Lambert", "member", "", "fr"),
    ("ines", "Inès Moreau", "member", "", "fr"),
    ("kenji", "Kenji Sato", "member", "", "en"),
]

# slug, (name, description) in English then in French, colour, kind, access,
# target hours to a first official response
CATEGORIES = [
    ("questions", ("Questions & answers", "Ask about your Lumio lamps: the community and the team answer."),
     ("Questions & réponses", "Posez vos questions sur vos lampes Lumio : la communauté et l’équipe vous répondent."),
     "#2454c5", "questions", "public", 24),
    ("help", ("Help & how-to", "Ask about setting up and using your Lumio lights. Members and the Lumio team answer."),
     ("Aide et tutoriels", "Installer et utiliser vos lampes Lumio : les membres et l’équipe Lumio vous répondent."),
     "#0f7b6c", "questions", "public", 48),
    ("idees", ("Ideas and suggestions", "Suggest features, vote for other people’s, discuss the roadmap."),
     ("Idées et suggestions", "Proposez des fonctions, votez pour celles des autres, discutez de la feuille de route."),
     "#b1541a", "ideas", "public", None),
    ("show-and-tell", ("Show and tell", "Share your setups, scenes and automations."),
     ("Vos installations", "Partagez vos installations, vos scènes et vos automatisations."),
     "#8a3ffc", "discussion", "public", None),
    ("staff-room", ("Staff room", "Private notes between the Lumio team and the moderators."),
     ("Salle de l’équipe", "Notes privées entre l’équipe Lumio et les modérateurs."),
     "#5b6675", "discussion", "staff", None),
]  # fmt: skip

# The ideas category: each idea with its voters and, when the team has answered, the status it
# set and the note that says why (posted as the team's official response). "merge_into" names
# the title of the idea a duplicate is merged into. The holiday mode above is an idea too.
IDEAS = [
    {
        "author": "david",
        "title": "Sunrise alarm that slowly brightens the bedroom",
        "body": "I would love a wake-up routine: the lamp starts at 1 % thirty minutes before my alarm and "
        "reaches full brightness when it rings. Bonus points for a warm-to-cool colour shift.",
        "tags": ["routines", "sommeil"],
        "voters": ["alice", "bruno", "chloe", "emma", "farid", "giulia", "hugo", "ines", "kenji"],
        "status": (
            "in_progress",
            "james",
            "We are building this now: a first version comes with app 2.6, with the colour shift as an option.",
        ),
    },
    {
        "author": "chloe",
        "title": "Regrouper les lampes par pièce dans l’application",
        "body": "Avec douze lampes, la liste devient longue. Pouvoir créer des pièces (salon, chambre, cuisine) "
        "et allumer une pièce entière d’un geste serait un vrai plus.",
        "tags": ["application", "pieces"],
        "voters": ["alice", "bruno", "farid", "hugo", "kenji", "emma"],
        "status": (
            "planned",
            "sophie",
            "C’est prévu pour le printemps : les pièces arriveront avec la prochaine grande version de l’application.",
        ),
    },
    {
        "author": "kenji",
        "title": "Show the energy used by each lamp",
        "body": "A small chart per lamp with the kWh used this week and this month would help me find the "
        "lamps I leave on for nothing.",
        "tags": ["energy", "application"],
        "voters": ["david", "giulia", "emma", "chloe"],
        "status": (
            "under_review",
            "james",
            "Thanks for all the votes. We are checking what the Halo's "
            "hardware can measure accurately before we promise anything.",
        ),
    },
    {
        "author": "farid",
        "title": "Un widget pour l’écran d’accueil du téléphone",
        "body": "Allumer la lampe du salon sans ouvrir l’application : un widget avec mes trois scènes préférées "
        "suffirait.",
        "tags": ["application", "widget"],
        "voters": ["alice", "ines", "hugo", "david", "giulia"],
        "status": (
            "done",
            "sophie",
            "Le widget est disponible depuis la version 2.5 de l’application, sur "
            "Android comme sur iPhone. Merci pour l’idée !",
        ),
    },
    {
        "author": "giulia",
        "title": "Let the lamps blink when the doorbell rings",
        "body": "With headphones on I never hear the doorbell. A short blink of the living-room lamps when "
        "the smart doorbell rings would be perfect.",
        "tags": ["integrations", "accessibility"],
        "voters": ["kenji", "emma"],
        "status": (
            "declined",
            "james",
            "We looked at this closely: doorbells don't share a common signal we "
            "can listen to, so we can't make it reliable. Automations with your doorbell's own app "
            "remain the way to go.",
        ),
    },
    {
        "author": "hugo",
        "title": "Des scènes qui suivent le coucher du soleil",
        "body": "Que la scène « soirée » démarre au coucher du soleil, quelle que soit la saison, plutôt qu’à "
        "une heure fixe.",
        "tags": ["routines", "scenes"],
        "voters": ["bruno", "chloe"],
        "status": None,
    },
    {
        "author": "emma",
        "title": "Start the evening scene at sunset",
        "body": "The evening scene should start when the sun sets, not at 7 pm all year round.",
        "tags": ["routines"],
        "voters": ["david", "kenji", "bruno"],
        "merge_into": "Des scènes qui suivent le coucher du soleil",
    },
    {
        "author": "ines",
        "title": "Choisir la couleur de la veilleuse des enfants",
        "body": "La veilleuse est toujours orange. Pouvoir choisir un bleu très doux aiderait ma fille à s’endormir.",
        "tags": ["enfants", "couleurs"],
        "voters": [],
        "status": None,
    },
]

# Each thread: category, author, title, body, tags, replies [(author, body)],
# accepted (index of the accepted reply or None), endorsed (index or None), votes {index: [voters]}
# index -1 is the opening post.
THREADS = [
    {
        "category": "questions",
        "author": "alice",
        "title": "Ma lampe Halo clignote après la mise à jour 2.4",
        "body": "Bonjour à tous,\n\nDepuis la mise à jour **2.4** de l’application, ma lampe Halo clignote toutes les deux minutes environ. "
        "Je l’ai déjà débranchée et rebranchée, sans effet.\n\n- Modèle : Halo E27\n- Box : Freebox Pop\n- Application : Android 14\n\nQuelqu’un a-t-il le même souci ?",
        "tags": ["halo", "firmware", "wifi"],
        "replies": [
            ("bruno", "Même chose chez moi avec deux Halo. Ça a commencé le soir même de la mise à jour."),
            (
                "chloe",
                "Essayez de passer votre box en Wi-Fi 2,4 GHz uniquement pendant quelques minutes, puis réassociez la lampe depuis l’application "
                "(*Réglages → Appareils → Réassocier*). Chez moi le clignotement a disparu tout de suite.\n\nÇa vient du changement de canal automatique de la box.",
            ),
            (
                "sophie",
                "Merci pour vos signalements. Nous avons identifié le problème : la version 2.4.0 gère mal le changement de canal Wi-Fi de certaines box. "
                "Le correctif **2.4.1** est en cours de déploiement et arrivera automatiquement d’ici vendredi.\n\nEn attendant, la solution de @chloe fonctionne.",
            ),
            ("alice", "La réassociation a marché, merci beaucoup @chloe ! Je garde un œil sur la 2.4.1."),
        ],
        "accepted": 1,
        "endorsed": 1,
        "votes": {-1: ["bruno", "farid"], 1: ["alice", "bruno", "farid", "hugo"], 2: ["alice", "ines"]},
    },
    {
        "category": "help",
        "author": "emma",
        "title": "How do I make a sunrise scene that starts at 6:30 on weekdays?",
        "body": "I'd like my bedroom lights to fade in slowly before my alarm, but only Monday to Friday.\n\n"
        "The scene editor lets me set a time, but I can't find where to choose the days. Am I missing something?",
        "tags": ["scenes", "automation", "schedule"],
        "replies": [
            (
                "david",
                "The days are hidden behind the small clock icon next to the time. Tap it and you get a row of day toggles.\n\n"
                "For the fade, set *Transition* to 20 minutes and start the scene at 6:10 so that it is fully bright at 6:30.",
            ),
            (
                "giulia",
                "Same setup here. One tip: set the colour temperature to start warm (2200 K) and end at 4000 K. It feels much more like a real sunrise.",
            ),
            (
                "james",
                "Thanks David, that's right. We're moving the day picker next to the time field in the next app release so it is easier to find.",
            ),
        ],
        "accepted": 0,
        "endorsed": 1,
        "votes": {0: ["emma", "giulia", "kenji"], 1: ["emma", "david"]},
    },
    {
        "category": "questions",
        "author": "farid",
        "title": "Compatibilité avec Home Assistant ?",
        "body": "Est-ce que les lampes Lumio peuvent être pilotées depuis Home Assistant sans passer par le cloud ?\n\n"
        "J’aimerais garder tout en local si possible.",
        "tags": ["home-assistant", "local", "api"],
        "replies": [
            (
                "hugo",
                "Oui, via l’API locale. Il faut l’activer dans *Réglages → Avancé → API locale*, puis utiliser l’intégration Lumio de Home Assistant. "
                "Tout passe sur le réseau local, rien ne sort.",
            ),
            ("ines", "Je confirme, ça fonctionne très bien chez moi depuis six mois, avec une dizaine de lampes."),
        ],
        "accepted": None,
        "endorsed": None,
        "votes": {0: ["farid", "ines"]},
    },
    {
        "category": "help",
        "author": "kenji",
        "title": "Bridge not found during setup",
        "body": "Setting up a brand-new Lumio Bridge. The app searches for a while and then says *Bridge not found*.\n\n"
        "The bridge LED is solid white. Phone and bridge are on the same network (I think?).",
        "tags": ["bridge", "setup"],
        "replies": [
            (
                "david",
                "Is your phone on a guest network or a 5 GHz-only SSID? The bridge only talks 2.4 GHz during setup.",
            ),
        ],
        "accepted": None,
        "endorsed": None,
        "votes": {},
    },
    {
        "category": "idees",
        "author": "bruno",
        "title": "Un mode « vacances » qui simule une présence",
        "body": "Ce serait bien d’avoir un mode vacances qui allume et éteint les lampes de façon aléatoire le soir, pour donner l’impression que la maison est occupée.\n\n"
        "Qui serait intéressé ?",
        "tags": ["idee", "securite"],
        "replies": [
            ("alice", "Oui ! Avec une plage horaire réglable, par exemple entre 19 h et 23 h."),
            (
                "hugo",
                "On peut déjà le bricoler avec des automatisations, mais un vrai mode intégré serait bien plus simple.",
            ),
            (
                "james",
                "Great idea, and a frequent request. It's on our list for the spring; we'll share a preview here first.",
            ),
        ],
        "accepted": None,
        "endorsed": None,
        "votes": {-1: ["alice", "hugo", "chloe", "farid", "ines"], 0: ["bruno"]},
    },
    {
        "category": "show-and-tell",
        "author": "giulia",
        "title": "My reading nook with three Halo minis",
        "body": "Finally finished my reading corner: three Halo minis behind the bookshelf, set to 2700 K at 40 %.\n\n"
        "| Lamp | Brightness | Colour |\n|---|---|---|\n| Left | 40 % | 2700 K |\n| Centre | 55 % | 2700 K |\n| Right | 40 % | 2700 K |\n\nVery cosy in the evening!",
        "tags": ["halo-mini", "setup"],
        "replies": [
            ("emma", "Lovely! Do you switch them with a scene or by voice?"),
            ("giulia", 'A scene on the wall switch, and "reading time" by voice.'),
        ],
        "accepted": None,
        "endorsed": None,
        "votes": {-1: ["emma", "kenji", "david"]},
    },
    {
        "category": "staff-room",
        "author": "sophie",
        "title": "Suivi du correctif 2.4.1",
        "body": "Pour info : 60 % du parc a reçu la 2.4.1. Les signalements de clignotement ont baissé de moitié depuis hier.",
        "tags": ["firmware"],
        "replies": [("marc", "Merci, je ferme les doublons du forum en les renvoyant vers le fil principal.")],
        "accepted": None,
        "endorsed": None,
        "votes": {},
    },
    # Answers that make experts: Hugo, Bruno (and Chloé, above) know the Halo's Wi-Fi; Kenji,
    # Giulia (and David, above) know the motion sensor's automations. WAITING's questions, under
    # the same tags, invite them.
    {
        "category": "questions",
        "author": "ines",
        "title": "Ma Halo se déconnecte du Wi-Fi toutes les nuits",
        "body": "Bonjour,\n\nChaque matin, mes deux Halo apparaissent « hors ligne » dans l’application. Il suffit de les éteindre "
        "et de les rallumer à l’interrupteur pour qu’elles reviennent, mais c’est pénible.\n\nLe téléphone, lui, retrouve le Wi-Fi sans problème. Une idée ?",
        "tags": ["wifi", "halo"],
        "replies": [
            (
                "hugo",
                "Regardez du côté de la box : beaucoup de box coupent le Wi-Fi la nuit (une « planification Wi-Fi » ou un mode éco, "
                "souvent activé d’origine). Le téléphone se reconnecte tout seul quand le Wi-Fi revient, mais la Halo attend "
                "qu’on la redémarre.\n\nDans l’interface de votre box, vérifiez si une plage horaire est programmée.",
            ),
            (
                "bruno",
                "Autre piste si ce n’est pas la planification : donnez une adresse IP fixe à chaque lampe dans la box (bail DHCP "
                "permanent). Chez moi, les coupures venaient du renouvellement du bail en pleine nuit.",
            ),
            (
                "ines",
                "C’était bien ça : la box coupait le Wi-Fi de 1 h à 6 h, c’était activé d’origine. Merci @hugo, et merci @bruno "
                "pour l’adresse fixe, je garde l’astuce sous le coude.",
            ),
        ],
        "accepted": 0,
        "endorsed": None,
        "votes": {0: ["ines", "alice", "farid"], 1: ["ines", "chloe"]},
    },
    {
        "category": "questions",
        "author": "farid",
        "title": "Quelle distance entre la box et une Halo ?",
        "body": "Je voudrais installer une Halo au grenier, deux étages au-dessus de la box, avec une dalle en béton entre les deux.\n\n"
        "Le Wi-Fi a-t-il une chance d’arriver jusque-là, ou faut-il prévoir autre chose ?",
        "tags": ["wifi", "halo"],
        "replies": [
            (
                "chloe",
                "Deux étages et une dalle en béton, c’est beaucoup pour le 2,4 GHz. Chez mes parents, dans la même configuration, "
                "ça ne passait qu’avec un répéteur sur le palier du premier.",
            ),
            (
                "bruno",
                "Faites l’essai avant d’acheter quoi que ce soit : l’application affiche la qualité du signal de chaque lampe "
                "(*Réglages → Appareils → la lampe → Réseau*). À partir de deux barres, c’est stable. En dessous, un répéteur "
                "Wi-Fi à mi-chemin règle le problème : la Halo s’y connecte comme à la box.",
            ),
            (
                "farid",
                "Une seule barre au grenier… Répéteur installé sur le palier : quatre barres maintenant. Merci à vous deux !",
            ),
        ],
        "accepted": 1,
        "endorsed": None,
        "votes": {0: ["farid", "hugo"], 1: ["farid", "ines", "alice"]},
    },
    {
        "category": "help",
        "author": "david",
        "title": "Can the motion sensor dim the lights instead of switching them off?",
        "body": "I have a Motion sensor in the hallway with two Spot GU10s. When nobody has moved for two minutes, the lights "
        "go straight off, which is a bit abrupt at night.\n\nCan I make them dim first and only switch off a little later?",
        "tags": ["motion-sensor", "automation"],
        "replies": [
            (
                "kenji",
                "Yes. Open the sensor's automation and change *When no motion* from *Turn off* to *Dim to 10 %*, then add a "
                "second step: *After 5 minutes, turn off*. I've had this in my hallway for months: you get time to wave before "
                "it goes dark.",
            ),
            (
                "giulia",
                "Same here. I also set the sensor to *Only when it's dark*, so that it never switches anything on during the day.",
            ),
            ("david", "Works perfectly, thanks Kenji. And thanks Giulia, I've turned on *Only when it's dark* too."),
        ],
        "accepted": 0,
        "endorsed": None,
        "votes": {0: ["david", "emma", "giulia"], 1: ["david", "kenji", "emma"]},
    },
]

# Questions nobody has answered yet, asked `minutes_ago` when the demo is loaded: past their
# category's first delay (30 minutes), so that the first run of invite_answerers (make demo starts
# it beside the server) invites the members who know their tags (the experts above), before the
# second delay (2 hours) widens the circle.
WAITING = [
    {
        "category": "questions",
        "author": "alice",
        "title": "Ma Halo reste hors ligne depuis le redémarrage de la box",
        "body": "Bonsoir,\n\nLa box a redémarré cet après-midi pour une mise à jour de l’opérateur. Depuis, la Halo du salon "
        "reste « hors ligne » dans l’application, alors que les deux autres lampes sont revenues toutes seules.\n\n"
        "Elle s’allume toujours à l’interrupteur. Dois-je vraiment la réinitialiser et refaire toutes mes scènes ?",
        "tags": ["wifi", "halo"],
        "minutes_ago": 45,
    },
    {
        "category": "help",
        "author": "emma",
        "title": "The motion sensor turns the hallway lights on in broad daylight",
        "body": "I put a Motion sensor in my hallway last week and it works well in the evening. But it also switches the "
        "lights on at noon, when the hallway is already bright.\n\nIs there a way to have it react only when it's dark, "
        "without writing a schedule for every season?",
        "tags": ["motion-sensor", "automation"],
        "minutes_ago": 50,
    },
]

# Fragments for generated threads: (title, body) templates in each language.
PRODUCTS = ["Halo", "Halo mini", "Strip 2", "Bridge", "Spot GU10", "Lumio Switch", "Motion sensor"]
TOPICS_FR = [
    (
        "{p} ne répond plus après une coupure de courant",
        "Après une coupure cette nuit, ma {p} reste éteinte et n’apparaît plus dans l’application. Une idée ?",
    ),
    (
        "Comment régler la luminosité minimale de la {p} ?",
        "Même à 1 %, ma {p} éclaire trop pour une veilleuse. Existe-t-il un réglage caché ?",
    ),
    (
        "{p} et assistant vocal en français",
        "L’assistant ne comprend pas toujours le nom de ma {p}. Quels noms avez-vous choisis ?",
    ),
    (
        "Consommation électrique de la {p} en veille",
        "Quelqu’un a-t-il mesuré la consommation de la {p} éteinte ? Je trouve environ 0,4 W.",
    ),
    (
        "Délai entre l’appui et l’allumage de la {p}",
        "Il y a presque une seconde de délai quand j’allume ma {p}. Est-ce normal ?",
    ),
]
TOPICS_EN = [
    (
        "{p} keeps disconnecting from Wi-Fi",
        "My {p} drops off the network a few times a day. Router is a mesh system. Anyone else?",
    ),
    (
        "Best colour temperature for a home office with the {p}?",
        "I work from home and I'm trying to find a setting for the {p} that doesn't tire my eyes.",
    ),
    (
        "Can I group a {p} with older lamps?",
        "I have some first-generation lamps. Can they be in the same room group as a new {p}?",
    ),
    (
        "{p} firmware update stuck at 80 %",
        "The update for my {p} has been sitting at 80 % for an hour. Is it safe to unplug it?",
    ),
    (
        "Using the {p} outdoors under a porch",
        "Is the {p} fine outside under a covered porch, or does it need to be fully indoors?",
    ),
]
REPLIES_FR = [
    "Même problème ici, je suis la discussion.",
    "Essayez de réinitialiser l’appareil : cinq allumages et extinctions successifs, puis réassociez-le.",
    "Chez moi, mettre à jour l’application a suffi.",
    "Vérifiez que le Wi-Fi 2,4 GHz est bien activé sur la box.",
    "J’ai contacté le support, ils m’ont répondu en moins d’une journée.",
    "Bonne question, je n’avais jamais remarqué.",
    "Le mode économie d’énergie de la box peut provoquer ce genre de souci.",
    "Merci pour l’astuce, ça marche aussi chez moi.",
]
REPLIES_EN = [
    "Same here, following this thread.",
    "Try a factory reset: switch it off and on five times, then pair it again.",
    "Updating the app fixed it for me.",
    "Check that 2.4 GHz is enabled on your router; the lamps don't use 5 GHz.",
    "Support answered me within a day when I had this.",
    "Good question, I had never noticed that.",
    "Power-saving mode on some routers causes exactly this.",
    "Thanks for the tip, works for me too.",
]
