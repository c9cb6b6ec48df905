"""Output shapes of the case-level API. Identity fields come from Person.display_* (masked unless the
selector marked the identity visible); the birth date and district of a masked person are left out."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Case, Person


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class InsatsRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CaseRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField()


class ApiPersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", help_text="Maskerat vid skyddad identitet.")
    id_number = serializers.CharField(source="display_id_number", help_text="Maskerat vid skyddad identitet.")
    protected_identity = serializers.BooleanField(source="is_protected")
    identity_visible = serializers.BooleanField(source="shows_identity")
    birth_date = serializers.SerializerMethodField()
    district = serializers.SerializerMethodField()
    unit = RefSerializer()

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "id_number",
            "birth_date",
            "gender",
            "district",
            "unit",
            "protected_identity",
            "identity_visible",
        ]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_birth_date(self, person):
        return person.display_birth_date.isoformat() if person.display_birth_date else None

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_district(self, person):
        district = person.display_district
        return None if district is None else {"id": district.pk, "name": district.name}


class ApiPersonDetailSerializer(ApiPersonSerializer):
    cases = serializers.SerializerMethodField()

    class Meta(ApiPersonSerializer.Meta):
        fields = [*ApiPersonSerializer.Meta.fields, "cases"]

    @extend_schema_field(CaseRefSerializer(many=True))
    def get_cases(self, person):
        return [{"id": case.pk, "number": case.number} for case in person.api_cases]


class PersonRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField(source="display_name")


class HandlerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")


class ApiCaseSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer()
    insats = InsatsRefSerializer(source="insats_type")
    unit = RefSerializer()
    handler = HandlerSerializer()
    is_open = serializers.BooleanField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "person",
            "insats",
            "unit",
            "handler",
            "referral_source",
            "basis",
            "opened_on",
            "closed_on",
            "closure_reason",
            "next_follow_up_on",
            "is_open",
        ]
