"""Social-stability risk assessment of major decisions (重大决策社会稳定风险评估): register, analysis,
risk register, special report, review and conclusion, follow-up."""
