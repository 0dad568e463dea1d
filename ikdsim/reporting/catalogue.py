"""Every string of the report, per language: one catalogue, so a translation is one dict.

Values arrive formatted (numbers, percentages and dates by `ikdsim.reporting.i18n.Lang`), so
the strings carry no number formats of their own. tests/test_report.py checks that every
language has the same keys with the same placeholders.
"""

from __future__ import annotations

EN: dict[str, str] = {
    "n/a": "n/a",
    "pts": "pts",
    "title_fallback": "IKD activation: will the target be reached?",
    "question_h1": "Will {name} reach {share} IKD activation by {by}?",
    "h_question": "The question",
    "question_text": "The target is {share} of the {total} residents who must hold an e-KTP (wajib KTP), that "
    "is {people} people with IKD activated, by {by}. The simulation starts on {start} from {initial} people "
    "({initial_share}).",
    "source_sim": "Source: simulation by ikdsim {version}, {n} futures per policy, seed {seed}; {counts}.",
    "source_counts": "its inputs: {sourced} sourced, {derived} derived from sources, {assumed} assumptions "
    "(listed under Assumptions and sources)",
    "source_no_notes": "its inputs carry no notes: treat every one as an assumption",
    "source_observed": "Observed points: {sources}.",
    "source_missing": "no source given (assumption)",
    # The answer
    "h_answer": "The answer",
    "covers_chance": "What the intervals cover: chance only, over {n} simulated futures. The scenario states "
    "no uncertain inputs, so what is not known about its assumptions is not in them: read them as too narrow.",
    "covers_fixed": "What the intervals cover: fixed inputs: chance only, over {n} simulated futures "
    "(--fixed-inputs holds every input at the file's point value), so they leave out what is not known "
    "about the assumptions and are too narrow.",
    "covers_inputs": "What the intervals cover: chance and {k} uncertain inputs ({names}), one draw of them "
    "from their stated ranges in each of {n} simulated futures; every policy sees the same draws.",
    "covers_posterior": "What the intervals cover: chance and {k} uncertain inputs ({names}), drawn from the "
    "calibrated posterior (what the city's own counts leave plausible) in each of {n} simulated futures; "
    "every policy sees the same draws.",
    "covers_split": "In the first policy, {inputs} of the spread of the final share comes from the inputs "
    "and {chance} from chance.",
    "prob_box": "probability of reaching {share} by {by}: {p} (95 % interval {low} to {high}).",
    "share_box": "Share on the deadline: median {p50} (5–95 % of futures: {p05} to {p95}).",
    "reached_on": "The target is reached on {date} in the median future (5–95 %: {low} to {high}).",
    "not_reached": "In most futures the target is not reached within the horizon (reached in {reached} of {n}).",
    "not_reached_median": "not reached (median)",
    "never": "not reached",
    "col_policy": "policy",
    "col_futures": "futures reaching",
    "col_prob": "probability (95 % interval)",
    "col_share": "share on deadline, median (5–95 %)",
    "col_date": "date reached (median)",
    "col_date_range": "date reached (5–95 %)",
    "alt_fan": "fan chart of the activated share by policy",
    "cap_fan": "Activated share over time: median, 25–75 % and 5–95 % of the simulated futures, per policy; "
    "dashed: the target, dotted: the deadline ({by}), dots: observed figures.",
    "fan_outer": "5–95 %",
    "fan_inner": "25–75 %",
    "fan_median": "median",
    "h_unknowns": "What matters most: the unknowns to measure first",
    "unknowns_intro": "For {label}: the {shown} of {k} uncertain inputs that move the answer most. "
    "'Moves' is the share of the spread explained by the input alone (first-order index); "
    "'worth knowing' is how much more often a yes/no call on the target would be right if the input "
    "were known exactly (EVPPI).",
    "evpi": "Knowing every input exactly would make that call right {evpi} more often (EVPI).",
    "col_unknown": "unknown (fields)",
    "col_range": "range (5–95 %)",
    "col_moves_share": "moves final share",
    "col_moves_prob": "moves P(target)",
    "col_evppi": "worth knowing (EVPPI)",
    "col_source": "source",
    "range": "{low} to {high}",
    # Compared with
    "h_compared": "Compared with {baseline}",
    "compared_intro": "Every scenario was run with the same random numbers in each simulated future (common random "
    "numbers), so differences come from the policies, not from luck. The paired interval uses that; the unpaired "
    "one is what independent runs would give. A width ratio below 1 is the precision gained.",
    "col_scenario": "scenario",
    "col_figure": "figure",
    "col_difference": "difference",
    "col_paired": "paired 95 % interval",
    "col_unpaired": "unpaired 95 % interval",
    "col_ratio": "width ratio",
    "metric_final_share": "final activated share",
    "metric_activations": "activations in the horizon",
    "metric_target_reached": "probability of reaching the target",
    "metric_days_to_target": "days from start to the target (replicates reaching it)",
    # What happens
    "h_happens": "What happens",
    "charts_in_english": "",
    "alt_compare": "activated share by scenario",
    "cap_compare": "Activated share by scenario: mean and 5–95 % of simulated futures; dashed: target.",
    "alt_share": "activated share over time",
    "cap_share": "Activated share: mean and 5–95 % band of simulated futures, the target (dashed), the deadline "
    "(dotted) and observed figures (dots).",
    "alt_channels": "activations by channel",
    "cap_channels": "Cumulative activations by channel (mean of simulated futures).",
    "alt_causes": "decisions by cause",
    "cap_causes": "Cumulative decisions to activate by what prompted them.",
    "alt_queue": "queues and waiting",
    "cap_queue": "People waiting for a counter, and the wait a newcomer faces (Little's law).",
    "alt_districts": "share by district",
    "cap_districts": "Share activated by district on the last day (mean of simulated futures).",
    # What each lever is worth
    "h_levers": "What each lever is worth",
    "levers_intro": "Each lever was switched off (or, for candidates, switched on) and the scenario run again with "
    "the same random numbers. The contribution is the difference in people activated by the deadline, with a "
    "95 % interval over the simulated futures.",
    "alt_levers": "contribution of each lever",
    "cap_levers": "Activations by the deadline owed to each lever.",
    "col_rank": "rank",
    "col_lever": "lever",
    "col_kind": "kind",
    "col_activations": "activations",
    "col_interval": "95 % interval",
    "col_share_points": "share points",
    "col_prob_change": "probability of target",
    "kind_outreach": "outreach",
    "kind_outreach_team": "one outreach team",
    "kind_integration": "integration",
    "kind_requirement": "requirement",
    "kind_campaign": "campaign",
    "kind_service_point": "service point",
    "kind_candidate": "candidate",
    "no_levers": "The scenario has no lever that acts before the deadline.",
    "h_costs": "What each lever costs",
    "costs_intro": "Resources each lever uses up to the target date (with the lever minus without it), priced "
    "with the scenario's unit costs; integrations and requirements use none of them.",
    "costs_source": "Unit costs: {source}.",
    "unit_counter_days": "counter-days",
    "unit_team_days": "team-days",
    "unit_campaigns": "campaigns",
    "no_resources": "no counters, teams or campaigns",
    "col_used": "resources used",
    "col_officer_days": "officer-days",
    "col_rupiah": "rupiah",
    "col_per_officer_day": "activations per officer-day",
    "col_rupiah_per_person": "rupiah per activation",
    "col_unpriced": "not priced in costs:",
    "h_months": "Month by month: demand or capacity?",
    "months_intro": "When queues stay short, activation is limited by how many people decide (demand): "
    "integrations and requirements help. When the wait grows to a week or more, counters are the limit "
    "(capacity): more officers or points help.",
    "col_month": "month",
    "col_decisions": "decisions",
    "col_use": "walk-in use of capacity",
    "col_wait": "wait (days)",
    "col_gave_up": "gave up",
    "col_limited": "limited by",
    "no_service": "no service",
    "demand": "demand",
    "capacity": "capacity",
    "advice_capacity": "more officers or service points would help",
    "advice_near": "demand-limited, but points run near capacity: add integrations and officers together",
    "advice_demand": "more integrations, requirements or campaigns would help",
    # The scenario, assumptions, provenance
    "h_scenario": "The scenario in plain words",
    "scenario_in_english": "",
    "h_assumptions": "Assumptions and sources",
    "assumptions_intro": "Every figure of the scenario file carries a note: a source, a derived figure (arithmetic "
    "on sourced numbers), or an assumption (a modelling choice). A note that names neither is flagged as an "
    "assumption.",
    "changed": "Changed for this report (the values below are the file's):",
    "no_notes": "No commented scenario file (the scenario was built in code or its file has no notes).",
    "kind_source": "source",
    "kind_derived": "derived",
    "kind_assumption": "assumption",
    "kind_note": "no source (assumption)",
    "col_field": "field",
    "col_value": "value",
    "col_note": "note",
    "h_provenance": "Provenance",
    "col_item": "item",
    "p_seed": "seed",
    "p_replicates": "simulated futures (replicates)",
    "p_overrides": "overrides (--set)",
    "none": "none",
    "p_random": "random numbers",
    "p_random_text": "replicate r of every scenario uses SeedSequence([seed, r]) with one named stream per model "
    "component (common random numbers)",
    "p_scenario": "scenario {label}",
    "p_sha": "(SHA-256 of the resolved scenario)",
    "p_file": "; file {file}",
    "p_attribution": "attribution replicates",
}

# Bahasa Indonesia. "Capaian" is the word Disdukcapil offices use for the activated share.
ID: dict[str, str] = {
    "n/a": "t/a",
    "pts": "poin",
    "title_fallback": "Aktivasi IKD: apakah target tercapai?",
    "question_h1": "Apakah {name} mencapai aktivasi IKD {share} pada {by}?",
    "h_answer": "Jawaban",
    "covers_chance": "Cakupan interval: hanya faktor kebetulan, dari {n} simulasi masa depan. Skenario tidak "
    "menyatakan input yang tidak pasti, sehingga ketidakpastian asumsinya tidak tercakup: anggap interval ini "
    "terlalu sempit.",
    "covers_fixed": "Cakupan interval: input tetap: hanya faktor kebetulan, dari {n} simulasi masa depan "
    "(--fixed-inputs menahan setiap input pada nilai titik di berkas), sehingga ketidakpastian asumsi tidak "
    "tercakup dan interval terlalu sempit.",
    "covers_inputs": "Cakupan interval: faktor kebetulan dan {k} input yang tidak pasti ({names}), satu undian dari "
    "rentang yang dinyatakan pada setiap {n} simulasi masa depan; setiap kebijakan memakai undian yang sama.",
    "covers_posterior": "Cakupan interval: faktor kebetulan dan {k} input yang tidak pasti ({names}), diundi dari "
    "posterior hasil kalibrasi (nilai yang masih masuk akal menurut data kota sendiri) pada setiap {n} simulasi "
    "masa depan; setiap kebijakan memakai undian yang sama.",
    "covers_split": "Pada kebijakan pertama, {inputs} dari sebaran capaian akhir berasal dari input dan {chance} "
    "dari faktor kebetulan.",
    "prob_box": "peluang mencapai {share} pada {by}: {p} (interval 95 % {low} sampai {high}).",
    "share_box": "Capaian pada tenggat: median {p50} (5–95 % masa depan: {p05} sampai {p95}).",
    "reached_on": "Target tercapai pada {date} dalam masa depan median (5–95 %: {low} sampai {high}).",
    "not_reached": "Di sebagian besar masa depan target tidak tercapai dalam periode simulasi (tercapai di "
    "{reached} dari {n}).",
    "not_reached_median": "tidak tercapai (median)",
    "never": "tidak tercapai",
    "col_policy": "kebijakan",
    "col_futures": "masa depan yang mencapai",
    "col_prob": "peluang (interval 95 %)",
    "col_share": "capaian pada tenggat, median (5–95 %)",
    "col_date": "tanggal tercapai (median)",
    "col_date_range": "tanggal tercapai (5–95 %)",
    "alt_fan": "diagram kipas capaian aktivasi per kebijakan",
    "cap_fan": "Capaian aktivasi dari waktu ke waktu: median, 25–75 % dan 5–95 % simulasi masa depan, per "
    "kebijakan; garis putus-putus: target, garis titik-titik: tenggat ({by}), bulatan: angka yang teramati.",
    "fan_outer": "5–95 %",
    "fan_inner": "25–75 %",
    "fan_median": "median",
    "h_unknowns": "Yang paling menentukan: apa yang perlu diukur lebih dulu",
    "unknowns_intro": "Untuk {label}: {shown} dari {k} input tidak pasti yang paling menggeser jawaban. "
    "'Menggeser' adalah bagian sebaran yang dijelaskan oleh input itu saja (indeks orde pertama); 'nilai "
    "mengetahui' adalah seberapa lebih sering keputusan ya/tidak tentang target akan tepat bila input itu "
    "diketahui pasti (EVPPI).",
    "evpi": "Mengetahui semua input secara pasti akan membuat keputusan itu tepat {evpi} lebih sering (EVPI).",
    "col_unknown": "input tidak pasti (kolom)",
    "col_range": "rentang (5–95 %)",
    "col_moves_share": "menggeser capaian akhir",
    "col_moves_prob": "menggeser P(target)",
    "col_evppi": "nilai mengetahui (EVPPI)",
    "col_source": "sumber",
    "range": "{low} sampai {high}",
    "h_question": "Pertanyaan",
    "question_text": "Targetnya {share} dari {total} penduduk wajib KTP, yaitu {people} orang dengan IKD "
    "teraktivasi, pada {by}. Simulasi dimulai pada {start} dari {initial} orang ({initial_share}).",
    "source_sim": "Sumber: simulasi ikdsim {version}, {n} masa depan per kebijakan, seed {seed}; {counts}.",
    "source_counts": "inputnya: {sourced} bersumber, {derived} diturunkan dari sumber, {assumed} asumsi (lihat "
    "Asumsi dan sumber)",
    "source_no_notes": "inputnya tanpa keterangan: anggap semuanya asumsi",
    "source_observed": "Titik pengamatan: {sources}.",
    "source_missing": "tanpa sumber (asumsi)",
    "h_compared": "Dibandingkan dengan {baseline}",
    "compared_intro": "Setiap skenario dijalankan dengan bilangan acak yang sama pada setiap simulasi masa depan "
    "(common random numbers), sehingga selisihnya berasal dari kebijakan, bukan dari keberuntungan. Interval "
    "berpasangan memanfaatkan hal itu; interval tidak berpasangan adalah hasil bila dijalankan terpisah. Rasio "
    "lebar di bawah 1 adalah presisi yang diperoleh.",
    "col_scenario": "skenario",
    "col_figure": "angka",
    "col_difference": "selisih",
    "col_paired": "interval 95 % berpasangan",
    "col_unpaired": "interval 95 % tidak berpasangan",
    "col_ratio": "rasio lebar",
    "metric_final_share": "capaian aktivasi akhir",
    "metric_activations": "aktivasi selama periode",
    "metric_target_reached": "peluang mencapai target",
    "metric_days_to_target": "hari dari awal sampai target (replikasi yang mencapainya)",
    "h_happens": "Apa yang terjadi",
    "charts_in_english": "Label di dalam grafik berikut masih berbahasa Inggris; keterangannya berbahasa Indonesia.",
    "alt_compare": "capaian aktivasi per skenario",
    "cap_compare": "Capaian aktivasi per skenario: rata-rata dan 5–95 % simulasi masa depan; garis putus-putus: "
    "target.",
    "alt_share": "capaian aktivasi dari waktu ke waktu",
    "cap_share": "Capaian aktivasi: rata-rata dan pita 5–95 % simulasi masa depan, target (putus-putus), tenggat "
    "(titik-titik) dan angka teramati (bulatan).",
    "alt_channels": "aktivasi per saluran",
    "cap_channels": "Aktivasi kumulatif per saluran (rata-rata simulasi masa depan).",
    "alt_causes": "keputusan per pemicu",
    "cap_causes": "Keputusan kumulatif untuk mengaktivasi menurut pemicunya.",
    "alt_queue": "antrean dan waktu tunggu",
    "cap_queue": "Orang yang menunggu di loket, dan waktu tunggu yang dihadapi pendatang baru (hukum Little).",
    "alt_districts": "capaian per kecamatan",
    "cap_districts": "Capaian aktivasi per kecamatan pada hari terakhir (rata-rata simulasi masa depan).",
    "h_levers": "Nilai setiap pengungkit kebijakan",
    "levers_intro": "Setiap pengungkit dimatikan (atau, untuk kandidat, dinyalakan) dan skenario dijalankan lagi "
    "dengan bilangan acak yang sama. Kontribusinya adalah selisih jumlah orang teraktivasi pada tenggat, dengan "
    "interval 95 % atas simulasi masa depan.",
    "alt_levers": "kontribusi setiap pengungkit",
    "cap_levers": "Aktivasi sampai tenggat yang berasal dari setiap pengungkit.",
    "col_rank": "peringkat",
    "col_lever": "pengungkit",
    "col_kind": "jenis",
    "col_activations": "aktivasi",
    "col_interval": "interval 95 %",
    "col_share_points": "poin capaian",
    "col_prob_change": "peluang target",
    "kind_outreach": "jemput bola",
    "kind_outreach_team": "satu tim jemput bola",
    "kind_integration": "integrasi layanan",
    "kind_requirement": "kewajiban",
    "kind_campaign": "kampanye",
    "kind_service_point": "titik layanan",
    "kind_candidate": "kandidat",
    "no_levers": "Skenario tidak memiliki pengungkit yang bekerja sebelum tenggat.",
    "h_costs": "Biaya setiap pengungkit",
    "costs_intro": "Sumber daya yang dipakai setiap pengungkit sampai tanggal target (dengan pengungkit dikurangi "
    "tanpa pengungkit), dihitung dengan biaya satuan skenario; integrasi dan kewajiban tidak memakainya.",
    "costs_source": "Biaya satuan: {source}.",
    "unit_counter_days": "loket-hari",
    "unit_team_days": "tim-hari",
    "unit_campaigns": "kampanye",
    "no_resources": "tanpa loket, tim atau kampanye",
    "col_used": "sumber daya dipakai",
    "col_officer_days": "hari kerja petugas",
    "col_rupiah": "rupiah",
    "col_per_officer_day": "aktivasi per hari kerja petugas",
    "col_rupiah_per_person": "rupiah per aktivasi",
    "col_unpriced": "tidak diberi harga di costs:",
    "h_months": "Bulan demi bulan: permintaan atau kapasitas?",
    "months_intro": "Bila antrean tetap pendek, aktivasi dibatasi oleh jumlah orang yang memutuskan (permintaan): "
    "integrasi dan kewajiban membantu. Bila waktu tunggu mencapai seminggu atau lebih, loket menjadi batasnya "
    "(kapasitas): tambahan petugas atau titik layanan membantu.",
    "col_month": "bulan",
    "col_decisions": "keputusan",
    "col_use": "pemakaian kapasitas loket",
    "col_wait": "tunggu (hari)",
    "col_gave_up": "menyerah",
    "col_limited": "dibatasi oleh",
    "no_service": "tidak ada layanan",
    "demand": "permintaan",
    "capacity": "kapasitas",
    "advice_capacity": "tambahan petugas atau titik layanan akan membantu",
    "advice_near": "dibatasi permintaan, tetapi titik layanan hampir penuh: tambah integrasi dan petugas bersamaan",
    "advice_demand": "tambahan integrasi, kewajiban atau kampanye akan membantu",
    "h_scenario": "Skenario dalam kata-kata sederhana",
    "scenario_in_english": "Uraian ini disusun otomatis dari berkas skenario dan masih berbahasa Inggris "
    "(dengan format angka Inggris).",
    "h_assumptions": "Asumsi dan sumber",
    "assumptions_intro": "Setiap angka dalam berkas skenario memiliki keterangan: sumber, angka turunan (hitungan "
    "dari angka bersumber), atau asumsi (pilihan pemodelan). Keterangan yang tidak menyebut keduanya ditandai "
    "sebagai asumsi. Keterangan dikutip sebagaimana tertulis di berkas.",
    "changed": "Diubah untuk laporan ini (nilai di bawah adalah nilai di berkas):",
    "no_notes": "Tidak ada berkas skenario berketerangan (skenario dibuat dalam kode atau berkasnya tanpa "
    "keterangan).",
    "kind_source": "sumber",
    "kind_derived": "turunan",
    "kind_assumption": "asumsi",
    "kind_note": "tanpa sumber (asumsi)",
    "col_field": "kolom",
    "col_value": "nilai",
    "col_note": "keterangan",
    "h_provenance": "Asal-usul hasil",
    "col_item": "butir",
    "p_seed": "seed",
    "p_replicates": "simulasi masa depan (replikasi)",
    "p_overrides": "perubahan (--set)",
    "none": "tidak ada",
    "p_random": "bilangan acak",
    "p_random_text": "replikasi r dari setiap skenario memakai SeedSequence([seed, r]) dengan satu aliran bernama "
    "per komponen model (common random numbers)",
    "p_scenario": "skenario {label}",
    "p_sha": "(SHA-256 skenario setelah diselesaikan)",
    "p_file": "; berkas {file}",
    "p_attribution": "replikasi atribusi",
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "id": ID}
