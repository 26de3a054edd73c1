# 91 points awarded of 90 (and the 总分 raised to match, so the sum still adds up).
# severity: Violation
# focus: self-evaluation/d/2024/unit/u/project/p/result/1
# also: MissedWithFullPointsShape
PREFIX pk: <https://w3id.org/perfkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX : <https://w3id.org/perfkg/id/>

DELETE DATA { :self-evaluation\/d\/2024\/unit\/u\/project\/p\/result\/1 pk:pointsAwarded "87"^^xsd:decimal . :self-evaluation\/d\/2024\/unit\/u\/project\/p pk:totalPointsAwarded "95"^^xsd:decimal . } ;
INSERT DATA { :self-evaluation\/d\/2024\/unit\/u\/project\/p\/result\/1 pk:pointsAwarded "91"^^xsd:decimal . :self-evaluation\/d\/2024\/unit\/u\/project\/p pk:totalPointsAwarded "99"^^xsd:decimal . }
