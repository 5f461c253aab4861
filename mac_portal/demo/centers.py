"""Demo service points: the seed's five in-person MAC centers, the phone line and the web portal.

Centers, districts and UBIGEO codes (INEI) are real; addresses are the public ones where known (shopping
centres hosting the MAC), coordinates are approximate, opening dates keep the real year (day approximate) and
e-mail addresses are illustrative. "1800" is the free MAC / Gob.pe phone line ("Aló MAC").
"""

import datetime as dt

from procedures.constants import Channel

MON_FRI = range(0, 5)
SAT = 5


def week(weekdays: str, saturday: str | None = None) -> list[tuple[int, str, str]]:
    """Hours as (weekday, opens, closes): Monday–Friday ranges ("08:30-13:00,14:00-17:30") and Saturday's."""
    hours = []
    for day in MON_FRI:
        hours += [(day, *span.split("-")) for span in weekdays.split(",")]
    if saturday:
        hours += [(SAT, *span.split("-")) for span in saturday.split(",")]
    return hours


def desks(entity: str, count: int = 1, languages: tuple[str, ...] = ()) -> list[tuple[str, tuple[str, ...]]]:
    """`count` counters of one entity; the first one also speaks `languages` (everyone speaks Spanish)."""
    return [(entity, ("es", *languages) if index == 0 else ("es",)) for index in range(count)]


# Entities present in every in-person center.
CORE = [
    "banco-de-la-nacion",
    "mininter",
    "reniec",
    "poder-judicial",
    "sunarp",
    "migraciones",
    "sis",
    "pcm",
]

IN_PERSON_CENTERS: list[dict] = [
    {
        "code": "MAC-LIMA-NORTE",
        "name": "Centro MAC Lima Norte",
        "slug": "mac-lima-norte",
        "description": "El primer Centro MAC y el de mayor demanda: en 2016 atendió 1 211 669 trámites presenciales "
        "y acompañó la constitución de 4 063 empresas.",
        "address": "Centro Comercial Plaza Norte, Av. Alfredo Mendiola 1400",
        "district": "Independencia",
        "province": "Lima",
        "region": "Lima",
        "ubigeo": "150112",
        "latitude": "-12.006700",
        "longitude": "-77.059200",
        "phone": "1800",
        "email": "maclimanorte@pcm.gob.pe",
        "opened_on": dt.date(2010, 12, 1),
        "hours": week("08:30-20:30", "08:30-13:30"),
        "entities": [
            *CORE,
            "policia-nacional",
            "inpe",
            "sunat",
            "sunafil",
            "essalud",
            "onp",
            "sutran",
            "indecopi",
            "mtpe",
            "produce",
            "sbs",
            "osiptel",
            "mtc",
            "minjusdh",
            "jne",
            "municipalidad-metropolitana-de-lima",
            "sat-lima",
        ],
        # Passports are issued in Callao, Ventanilla and Lima Este, not here.
        "exclude": ["MIGRACIONES-001"],
        # The Banco de la Nación desk closes for lunch: several ranges on one day.
        "desk_hours": {"BN-001": week("08:30-13:00,14:00-17:30", "08:30-13:00")},
        "counters": [
            *desks("pcm", 1, ("lsp",)),
            *desks("banco-de-la-nacion", 4),
            *desks("mininter", 2),
            *desks("reniec", 4, ("qu",)),
            *desks("poder-judicial", 2),
            *desks("inpe"),
            *desks("sunarp", 2),
            *desks("sunat", 2),
            *desks("migraciones"),
            *desks("policia-nacional"),
            *desks("sunafil"),
            *desks("essalud"),
            *desks("onp"),
            *desks("sutran"),
            *desks("indecopi"),
            *desks("sis"),
            *desks("mtpe"),
            *desks("produce", 2),
            *desks("sbs"),
            *desks("osiptel"),
            *desks("mtc"),
            *desks("minjusdh"),
            *desks("jne"),
            *desks("municipalidad-metropolitana-de-lima"),
            *desks("sat-lima"),
        ],
    },
    {
        "code": "MAC-CALLAO",
        "name": "Centro MAC Callao",
        "slug": "mac-callao",
        "description": "Atiende a la Provincia Constitucional del Callao; 854 777 atenciones presenciales en 2016.",
        "address": "Centro Comercial Minka, Av. Argentina 3093",
        "district": "Callao",
        "province": "Callao",
        "region": "Callao",
        "ubigeo": "070101",
        "latitude": "-12.047300",
        "longitude": "-77.105600",
        "phone": "1800",
        "email": "maccallao@pcm.gob.pe",
        "opened_on": dt.date(2011, 12, 1),
        "hours": week("08:30-19:30", "08:30-13:30"),
        "entities": [*CORE, "policia-nacional", "sunat", "essalud", "onp", "sutran", "indecopi"],
        "exclude": ["RENIEC-008", "PJ-003"],
        "desk_hours": {},
        "counters": [
            *desks("pcm"),
            *desks("banco-de-la-nacion", 3),
            *desks("mininter", 2),
            *desks("reniec", 3),
            *desks("poder-judicial", 2),
            *desks("sunarp"),
            *desks("migraciones", 2, ("en",)),
            *desks("policia-nacional"),
            *desks("sunat"),
            *desks("essalud"),
            *desks("onp"),
            *desks("sutran"),
            *desks("indecopi"),
            *desks("sis"),
        ],
    },
    {
        "code": "MAC-VENTANILLA",
        "name": "Centro MAC Ventanilla",
        "slug": "mac-ventanilla",
        "description": "Acerca los servicios del Estado al norte del Callao; 440 454 atenciones presenciales en 2016.",
        "address": "Av. Pedro Beltrán s/n, Centro Cívico de Ventanilla",
        "district": "Ventanilla",
        "province": "Callao",
        "region": "Callao",
        "ubigeo": "070106",
        "latitude": "-11.875300",
        "longitude": "-77.127000",
        "phone": "1800",
        "email": "macventanilla@pcm.gob.pe",
        "opened_on": dt.date(2012, 12, 1),
        "hours": week("08:30-18:30", "09:00-13:00"),
        "entities": [*CORE],
        "exclude": ["RENIEC-003", "RENIEC-008", "PJ-003", "SUNARP-005"],
        "desk_hours": {},
        "counters": [
            *desks("pcm"),
            *desks("banco-de-la-nacion", 2),
            *desks("mininter"),
            *desks("reniec", 2),
            *desks("poder-judicial"),
            *desks("sunarp"),
            *desks("migraciones"),
            *desks("sis"),
        ],
    },
    {
        "code": "MAC-PIURA",
        "name": "Centro MAC Piura",
        "slug": "mac-piura",
        "description": "El primer Centro MAC fuera de Lima y Callao; 625 683 atenciones presenciales en 2016.",
        "address": "Centro Comercial Real Plaza Piura, Av. Sánchez Cerro 234",
        "district": "Piura",
        "province": "Piura",
        "region": "Piura",
        "ubigeo": "200101",
        "latitude": "-5.189500",
        "longitude": "-80.633000",
        "phone": "1800",
        "email": "macpiura@pcm.gob.pe",
        "opened_on": dt.date(2013, 12, 1),
        "hours": week("08:30-18:30", "08:30-12:30"),
        "entities": [
            *CORE,
            "inpe",
            "sunat",
            "sunafil",
            "essalud",
            "onp",
            "indecopi",
            "mtpe",
            "produce",
            "gobierno-regional-piura",
        ],
        "exclude": ["MIGRACIONES-001", "MTPE-004"],
        "desk_hours": {"BN-001": week("08:30-13:00,14:00-17:00", "08:30-12:30")},
        "counters": [
            *desks("pcm"),
            *desks("banco-de-la-nacion", 3),
            *desks("mininter", 2),
            *desks("reniec", 3),
            *desks("poder-judicial", 2),
            *desks("inpe"),
            *desks("sunarp"),
            *desks("sunat"),
            *desks("migraciones"),
            *desks("sunafil"),
            *desks("essalud"),
            *desks("onp"),
            *desks("indecopi"),
            *desks("sis"),
            *desks("mtpe"),
            *desks("produce"),
            *desks("gobierno-regional-piura"),
        ],
    },
    {
        "code": "MAC-LIMA-ESTE",
        "name": "Centro MAC Lima Este",
        "slug": "mac-lima-este",
        "description": "Inaugurado en 2017 para los distritos del este de Lima.",
        "address": "Centro Comercial Mall Aventura Santa Anita, Av. Carretera Central 111",
        "district": "Santa Anita",
        "province": "Lima",
        "region": "Lima",
        "ubigeo": "150137",
        "latitude": "-12.056600",
        "longitude": "-76.970700",
        "phone": "1800",
        "email": "maclimaeste@pcm.gob.pe",
        "opened_on": dt.date(2017, 8, 1),
        "hours": week("09:00-20:00", "09:00-14:00"),
        "entities": [
            *CORE,
            "inpe",
            "sunat",
            "sunafil",
            "essalud",
            "onp",
            "sutran",
            "indecopi",
            "mtpe",
            "produce",
            "sbs",
            "osiptel",
            "mtc",
            "sat-lima",
        ],
        "exclude": ["RENIEC-008"],
        "desk_hours": {},
        "counters": [
            *desks("pcm", 1, ("qu", "lsp")),
            *desks("banco-de-la-nacion", 3, ("qu",)),
            *desks("mininter", 2),
            *desks("reniec", 3, ("ay",)),
            *desks("poder-judicial", 2),
            *desks("inpe"),
            *desks("sunarp"),
            *desks("sunat"),
            *desks("migraciones", 2, ("en",)),
            *desks("sunafil"),
            *desks("essalud"),
            *desks("onp"),
            *desks("sutran"),
            *desks("indecopi"),
            *desks("sis"),
            *desks("mtpe"),
            *desks("produce"),
            *desks("sbs"),
            *desks("osiptel"),
            *desks("mtc"),
            *desks("sat-lima"),
        ],
    },
]

PHONE_LINE: dict = {
    "code": "MAC-TELEFONICO",
    "name": "Plataforma telefónica MAC (Aló MAC)",
    "slug": "plataforma-telefonica-mac",
    "channel": Channel.PHONE,
    "description": "Línea gratuita con información de los trámites más solicitados y reserva de citas; cuenta "
    "con un operador quechuahablante.",
    "phone": "1800",
    "email": "alomac@pcm.gob.pe",
    "website": "https://www.gob.pe",
    "opened_on": dt.date(2011, 1, 1),
    "hours": week("08:00-20:00", "09:00-13:00"),
}

WEB_PORTAL: dict = {
    "code": "MAC-VIRTUAL",
    "name": "Plataforma virtual MAC",
    "slug": "plataforma-virtual-mac",
    "channel": Channel.VIRTUAL,
    "description": "Información de los trámites de los Centros MAC y reserva de citas en línea, disponible todo el "
    "día.",
    "website": "https://www.gob.pe",
    "opened_on": dt.date(2011, 1, 1),
    "always_open": True,
    "hours": [],
}

# Closures besides national holidays. Dates are computed from today by the loader so they stay upcoming:
# "bridge" is the decreed public-sector non-working day next to a Tuesday/Thursday holiday, "weekday"/
# "saturday" the first such day at least `after_days` from today.
CLOSURES: list[dict] = [
    *(
        {
            "center": center["code"],
            "rule": "bridge",
            "reason": "Día no laborable para el sector público (decretado por el Gobierno)",
        }
        for center in IN_PERSON_CENTERS
    ),
    {
        "center": "MAC-LIMA-NORTE",
        "rule": "saturday",
        "after_days": 10,
        "reason": "Mantenimiento eléctrico del centro comercial",
    },
    {
        "center": "MAC-PIURA",
        "rule": "weekday",
        "after_days": 20,
        "reason": "Inventario anual de bienes y capacitación del personal",
    },
]
