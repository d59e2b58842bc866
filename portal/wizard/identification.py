"""Step 1, company identification: what VIES knows, offered for step 2. The
rule itself is company_identity's, shared with “Mon entreprise”."""


def prefill_company(answers, result):
    """Offer what VIES knows for step 2; never overwrite what the person typed."""
    company = answers.setdefault("company", {})
    if result.name and not company.get("name"):
        company["name"] = result.name
    if result.address and not company.get("street"):
        lines = [line.strip() for line in result.address.splitlines() if line.strip()]
        if lines:
            company["street"] = lines[0]
        if len(lines) > 1:
            postcode, _, city = lines[-1].partition(" ")
            company.setdefault("postcode", postcode)
            company.setdefault("city", city)
