"""Statistics endpoints: aggregated counts only, with suppression, limited to the caller's scope.

Read-only. Responses carry an ETag (and Last-Modified when the scope has cases); a request with a
matching If-None-Match gets 304 without a body.
"""

from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api import selectors
from api.permissions import StatisticsAccess, statistics_scope
from api.serializers import RefSerializer
from api.views import ApiView

MIN_YEAR, MAX_YEAR = 2000, 2100


def _choice(choices, help_text):
    return serializers.ChoiceField(
        choices=choices,
        help_text=help_text,
        error_messages={"invalid_choice": _("Välj ett av: %(values)s.") % {"values": ", ".join(choices)}},
    )


def _year_field(**kwargs):
    return serializers.IntegerField(
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={
            "invalid": _("Ange ett årtal."),
            "min_value": _("Ange ett år från %(min)s.") % {"min": MIN_YEAR},
            "max_value": _("Ange ett år till och med %(max)s.") % {"max": MAX_YEAR},
        },
        **kwargs,
    )


class CaseStatisticsQuery(serializers.Serializer):
    measure = _choice(
        list(selectors.MEASURES),
        _(
            "new = nya ärenden, closed = avslutade, unplanned = oplanerat avslutade, "
            "open = pågående vid periodens slut."
        ),
    )
    period = _choice(list(selectors.PERIODS), _("Periodindelning."))
    year = _year_field(required=False, help_text=_("Sista året i serien (standard: innevarande år)."))
    years = serializers.IntegerField(
        min_value=1,
        max_value=10,
        default=1,
        help_text=_("Antal kalenderår i serien, till och med `year`."),
        error_messages={"invalid": _("Ange ett heltal 1–10."), "min_value": _("Minst 1."), "max_value": _("Högst 10.")},
    )
    group_by = _choice(list(selectors.DIMENSIONS), _("Dela upp på en dimension (högst en per fråga)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].default = "new"
        self.fields["measure"].required = False
        self.fields["period"].default = "year"
        self.fields["period"].required = False
        self.fields["group_by"].required = False


class AgreementStatisticsQuery(serializers.Serializer):
    year = _year_field(required=False, help_text=_("År (standard: innevarande år)."))
    half = serializers.ChoiceField(
        choices=[1, 2],
        required=False,
        help_text=_("1 = januari–juni, 2 = juli–december; utelämna för helår."),
        error_messages={"invalid_choice": _("Välj 1 eller 2.")},
    )


class FieldWorkQuery(serializers.Serializer):
    year = _year_field(required=False, help_text=_("År (standard: innevarande år)."))
    period = _choice(list(selectors.PERIODS), _("Periodindelning."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].default = "month"
        self.fields["period"].required = False


# -- response shapes (for the schema) --------------------------------------------------------------------


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField(allow_null=True, min_value=0, help_text=_("null när talet är dolt."))
    suppressed = serializers.BooleanField()


class CellSerializer(CountSerializer):
    key = serializers.CharField()


class BucketSerializer(serializers.Serializer):
    period = serializers.CharField(help_text=_("T.ex. 2025, 2025-H1, 2025-Q3, 2025-07."))
    start = serializers.DateField()
    end = serializers.DateField()
    total = CountSerializer()
    cells = CellSerializer(many=True)


class GroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field (see api.schema), not Field.label


class SuppressionSerializer(serializers.Serializer):
    threshold = serializers.IntegerField()
    max_noise = serializers.IntegerField(help_text=_("Största brus som ett publicerat antal kan ha."))
    rule = serializers.CharField()


class ScopeSerializer(serializers.Serializer):
    municipality = serializers.IntegerField(allow_null=True)
    provider = serializers.IntegerField(allow_null=True)


class CaseStatisticsSerializer(serializers.Serializer):
    measure = serializers.CharField()
    period = serializers.CharField()
    group_by = serializers.CharField(allow_null=True)
    years = serializers.ListField(child=serializers.IntegerField())
    scope = ScopeSerializer()
    suppression = SuppressionSerializer()
    groups = GroupSerializer(many=True)
    buckets = BucketSerializer(many=True)


class VolumeSerializer(serializers.Serializer):
    insats = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field (see api.schema), not Field.label
    agreed_min_per_year = serializers.IntegerField()
    agreed_max_per_year = serializers.IntegerField()
    target_min = serializers.FloatField()
    target_max = serializers.FloatField()
    new = serializers.IntegerField(allow_null=True)
    suppressed = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["under", "within", "over"], allow_null=True)


class AgreementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    provider = RefSerializer()
    unit = RefSerializer(allow_null=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    volumes = VolumeSerializer(many=True)


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class AgreementStatisticsSerializer(serializers.Serializer):
    period = PeriodSerializer()
    suppression = SuppressionSerializer()
    agreements = AgreementSerializer(many=True)


class FieldBucketSerializer(serializers.Serializer):
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    shifts = serializers.IntegerField(help_text=_("Fältpass (kvällar ute)."))
    met = serializers.IntegerField(help_text=_("Ungdomar mötta (kontakter)."))
    talked = serializers.IntegerField(help_text=_("Ungdomar samtal med (kontakter)."))
    nights = serializers.IntegerField(help_text=_("Polarkvällar."))
    efforts = serializers.IntegerField(help_text=_("Områdesinsatser pågående under perioden."))
    polare = serializers.IntegerField(allow_null=True, help_text=_("Polare som arbetat; null om 1–4."))
    polare_suppressed = serializers.BooleanField()


class FieldWorkSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    period = serializers.CharField()
    available = serializers.BooleanField()
    scope = ScopeSerializer()
    buckets = FieldBucketSerializer(many=True)


NOT_MODIFIED = OpenApiResponse(description=_("Oförändrat sedan If-None-Match (ingen kropp)."))
CACHING = [
    OpenApiParameter(
        "If-None-Match",
        str,
        OpenApiParameter.HEADER,
        required=False,
        description=_("ETag från ett tidigare svar: oförändrat svar ger 304."),
    ),
    OpenApiParameter(
        "ETag", str, OpenApiParameter.HEADER, response=[200, 304], required=True, description=_("Svarets version.")
    ),
    OpenApiParameter(
        "Last-Modified",
        str,
        OpenApiParameter.HEADER,
        response=[200, 304],
        required=False,
        description=_("Senaste ändring av ett ärende i omfattningen (saknas när det inte finns några ärenden)."),
    ),
]


class StatisticsApiView(ApiView):
    access_policy = "statistics"
    permission_classes = [StatisticsAccess]
    query_serializer: type[serializers.Serializer]
    error_codes = ("400", "401", "403", "406", "429")

    def query(self) -> dict:
        self.reject_blank_parameters(self.query_serializer().fields)
        query = self.query_serializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = dict(query.validated_data)
        data.setdefault("year", timezone.localdate().year)
        return data

    def respond(self, payload: dict):
        """200 with ETag/Last-Modified, or 304 when the client already has this exact answer."""
        etag = selectors.etag_for(payload)
        last_modified = selectors.statistics_last_modified(statistics_scope(self.request))
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if last_modified is not None:
            headers["Last-Modified"] = http_date(last_modified.timestamp())
        sent = [tag.strip() for tag in self.request.headers.get("If-None-Match", "").split(",")]
        if etag in sent or "*" in sent:
            return Response(status=304, headers=headers)
        return Response(payload, headers=headers)


class CaseStatisticsApi(StatisticsApiView):
    query_serializer = CaseStatisticsQuery

    @extend_schema(
        summary="Antal ärenden per period, och per en dimension",
        operation_id="statistics_cases",
        description=_(
            "Nya, avslutade, oplanerat avslutade eller pågående ärenden per månad, kvartal, halvår eller år, "
            "som tidsserie över ett eller flera kalenderår, valfritt uppdelat på insats, enhet, område, "
            "åldersgrupp, kön eller grund. Antal 1–4 och de celler som krävs för att de inte ska kunna räknas "
            "fram döljs (count = null, suppressed = true); övriga antal har ett litet, konsekvent brus "
            "(cell-key-metoden), utom utförarens och enhetens totaler för år och halvår."
        ),
        parameters=[CaseStatisticsQuery, *CACHING],
        responses={200: CaseStatisticsSerializer, 304: NOT_MODIFIED},
        tags=["statistik"],
    )
    def get(self, request):
        query = self.query()
        payload = selectors.statistics_case_counts(
            scope=statistics_scope(request),
            measure=query["measure"],
            period=query["period"],
            year=query["year"],
            years=query["years"],
            group_by=query.get("group_by"),
        )
        return self.respond(payload)


class AgreementStatisticsApi(StatisticsApiView):
    query_serializer = AgreementStatisticsQuery

    @extend_schema(
        summary="Måluppfyllelse mot överenskommelsens volymer",
        operation_id="statistics_agreements",
        parameters=[AgreementStatisticsQuery, *CACHING],
        responses={200: AgreementStatisticsSerializer, 304: NOT_MODIFIED},
        tags=["statistik"],
    )
    def get(self, request):
        query = self.query()
        payload = selectors.statistics_agreements(
            scope=statistics_scope(request), year=query["year"], half=query.get("half")
        )
        return self.respond(payload)


class FieldWorkStatisticsApi(StatisticsApiView):
    query_serializer = FieldWorkQuery

    @extend_schema(
        summary="Fältverksamhetens totaler per period",
        operation_id="statistics_field_work",
        parameters=[FieldWorkQuery, *CACHING],
        responses={200: FieldWorkSerializer, 304: NOT_MODIFIED},
        tags=["statistik"],
    )
    def get(self, request):
        query = self.query()
        payload = selectors.statistics_field_work(
            scope=statistics_scope(request), year=query["year"], period=query["period"]
        )
        return self.respond(payload)
