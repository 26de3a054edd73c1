# An indicator result numbered 0.
# severity: Violation
# focus: self-evaluation/d/2024/unit/u/project/p/result/1
PREFIX pk: <https://w3id.org/perfkg/ontology#>
PREFIX pk-cat: <https://w3id.org/perfkg/category/>
PREFIX pk-fund: <https://w3id.org/perfkg/funding-source/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX qudt: <http://qudt.org/schema/qudt/>
PREFIX : <https://w3id.org/perfkg/id/>

DELETE DATA { :self-evaluation\/d\/2024\/unit\/u\/project\/p\/result\/1 pk:resultNumber "1"^^xsd:integer . } ;
INSERT DATA { :self-evaluation\/d\/2024\/unit\/u\/project\/p\/result\/1 pk:resultNumber "0"^^xsd:integer . }
